/**
 * Keys and values as latin1 strings: one char per byte, so a JS Map hashes them and `<`
 * compares them byte by byte (UTF-16 code units below 256 are the bytes). A string costs a
 * fraction of a `Uint8Array` in V8 (no ArrayBuffer per entry), which is what lets a million
 * keys fit in a few hundred megabytes.
 */
export function toLatin1(bytes: Uint8Array): string {
  if (bytes.length <= 64) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The bytes of a key held as a latin1 string (the inverse of `toLatin1`). */
export function fromLatin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** The smallest string greater than every string starting with `prefix` (undefined: none, all 0xFF). */
export function afterPrefix(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return undefined;
}
