/**
 * Spark's ordering of row values (row convention of `kernels/rows.ts`): numbers with NaN above
 * everything, bigints exactly, strings by code point, booleans false < true, binary by unsigned
 * bytes, arrays element by element (null elements first, then shorter first), structs field by
 * field. Nulls are the caller's business except inside arrays and structs, where they sort first.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  }
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = typeof a === 'bigint' ? a : BigInt(a as number);
    const y = typeof b === 'bigint' ? b : BigInt(b as number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
    return a.length - b.length;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let k = 0; k < n; k++) {
      const c = compareValues(a[k], b[k]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a as object);
    for (const key of keys) {
      const c = compareValues((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
      if (c !== 0) return c;
    }
    return 0;
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Code point order (= UTF-8 byte order, Spark's string order); JS `<` compares UTF-16 units, which differs past U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a.charCodeAt(k);
    const y = b.charCodeAt(k);
    if (x !== y) {
      // A surrogate (U+D800–DFFF) stands for a code point above every BMP character.
      const sx = x >= 0xd800 && x <= 0xdfff;
      const sy = y >= 0xd800 && y <= 0xdfff;
      if (sx !== sy) return sx ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Spark's equality of row values (NaN equals NaN; arrays, structs and binary by content). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    const xs = [...a];
    const ys = [...b];
    return xs.every(([k, v], i) => valuesEqual(k, ys[i]![0]) && valuesEqual(v, ys[i]![1]));
  }
  return compareValues(a, b) === 0;
}
