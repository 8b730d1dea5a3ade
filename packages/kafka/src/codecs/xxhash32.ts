const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number): number => Math.imul(a, b) >>> 0;
const word = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const round = (acc: number, input: number): number => mul(rotl((acc + mul(input, P2)) >>> 0, 13), P1);

/** xxHash32 (the LZ4 frame format's checksum), of `data` with `seed`. */
export function xxhash32(data: Uint8Array, seed = 0): number {
  const length = data.length;
  let at = 0;
  let h: number;
  if (length >= 16) {
    let v1 = (seed + P1 + P2) >>> 0;
    let v2 = (seed + P2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - P1) >>> 0;
    for (; at + 16 <= length; at += 16) {
      v1 = round(v1, word(data, at));
      v2 = round(v2, word(data, at + 4));
      v3 = round(v3, word(data, at + 8));
      v4 = round(v4, word(data, at + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    h = (seed + P5) >>> 0;
  }
  h = (h + length) >>> 0;
  for (; at + 4 <= length; at += 4) h = mul(rotl((h + mul(word(data, at), P3)) >>> 0, 17), P4);
  for (; at < length; at++) h = mul(rotl((h + mul(data[at]!, P5)) >>> 0, 11), P1);
  h = mul(h ^ (h >>> 15), P2);
  h = mul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}
