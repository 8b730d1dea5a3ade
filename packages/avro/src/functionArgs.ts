import { constantArg, type CallContext } from '@sluice/core';

/** An options argument: SQL's `map('mode', 'PERMISSIVE')` or, from the Column API, a JSON object as text. */
export function optionsArg(call: CallContext, index: number): Record<string, unknown> {
  if (call.args.length <= index) return {};
  const value = constantArg(call, index, 'the options');
  if (value == null) return {};
  if (value instanceof Map) return Object.fromEntries(value);
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as unknown;
      if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
    } catch {
      // fall through to the error
    }
  }
  return call.fail('the options must be a map of option names to values', index, 'INVALID_OPTION');
}
