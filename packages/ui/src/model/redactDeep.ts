import { redactString } from '@sluice/core';

/**
 * A copy of a JSON-like value with every string scrubbed by core's redactor: the last net under
 * everything the UI sends (pages, events, metrics labels), whatever a source put in a description.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactString(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
