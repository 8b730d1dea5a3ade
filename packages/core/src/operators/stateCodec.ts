import type { JsonValue } from '../types.ts';

/**
 * State to JSON and back, keeping what JSON cannot hold: bigints become `{"$bigint":"…"}`.
 * Snapshots must round-trip exactly, or a replayed batch would aggregate differently.
 */
export function encodeState(value: unknown): JsonValue {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeState);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeState(v);
    return out;
  }
  return (value ?? null) as JsonValue;
}

export function decodeState(value: JsonValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(decodeState);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, JsonValue>;
    if (typeof record['$bigint'] === 'string' && Object.keys(record).length === 1) return BigInt(record['$bigint']);
    if (typeof record['$bytes'] === 'string' && Object.keys(record).length === 1) return new Uint8Array(Buffer.from(record['$bytes'], 'base64'));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = decodeState(v);
    return out;
  }
  return value;
}
