import type { Offset } from '../types.ts';

/** JSON with object keys sorted, so two equal offsets compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

export function sameOffset(a: Offset | null | undefined, b: Offset | null | undefined): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}
