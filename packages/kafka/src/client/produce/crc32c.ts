/** CRC-32C (Castagnoli), the checksum of Kafka record batches: four tables, four bytes a step. */
const TABLES = (() => {
  const tables = Array.from({ length: 4 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0]![n]!;
    for (let t = 1; t < 4; t++) {
      c = tables[0]![c & 0xff]! ^ (c >>> 8);
      tables[t]![n] = c >>> 0;
    }
  }
  return tables as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
})();

/** The CRC-32C of `data[from, to)`. */
export function crc32c(data: Uint8Array, from = 0, to = data.length): number {
  const [t0, t1, t2, t3] = TABLES;
  let crc = 0xffffffff;
  let at = from;
  for (; at + 4 <= to; at += 4) {
    crc ^= data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
    crc = t3[crc & 0xff]! ^ t2[(crc >>> 8) & 0xff]! ^ t1[(crc >>> 16) & 0xff]! ^ t0[crc >>> 24]!;
  }
  for (; at < to; at++) crc = t0[(crc ^ data[at]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
