/**
 * 64-bit integers (timestamps) rescaled between units with floor division. Plain JS because the
 * Parquet workers load it untransformed (Node 20 cannot strip types, and vitest does not
 * transform worker threads); conform.ts uses it on the main thread too.
 *
 * Float math while exact — |hi| < 2^20 keeps a value inside 2^53, and a scaled result must stay
 * there too — and BigInt beyond, so any year converts exactly.
 *
 * @param {Int32Array} inWords the values as little-endian 32-bit word pairs (low, high)
 * @param {number} length how many values
 * @param {number} up multiply by this (1 when scaling down)
 * @param {number} down floor-divide by this (1 when scaling up)
 * @returns {BigInt64Array}
 */
export function rescaleInt64(inWords, length, up, down) {
  const out = new BigInt64Array(length);
  const outWords = new Int32Array(out.buffer);
  const d = BigInt(down);
  for (let i = 0; i < length; i++) {
    const hi = inWords[2 * i + 1];
    const v = hi * 4294967296 + (inWords[2 * i] >>> 0);
    const r = down === 1 ? v * up : Math.floor(v / down);
    if (hi > -0x100000 && hi < 0x100000 && r > -9007199254740992 && r < 9007199254740992) {
      const rhi = Math.floor(r / 4294967296);
      outWords[2 * i] = r - rhi * 4294967296;
      outWords[2 * i + 1] = rhi;
    } else {
      const big = (BigInt(hi) << 32n) | BigInt(inWords[2 * i] >>> 0);
      out[i] = down > 1 ? (big >= 0n ? big / d : -((-big + d - 1n) / d)) : BigInt.asIntN(64, big * BigInt(up));
    }
  }
  return out;
}
