/** 64-bit integers rescaled between units with floor division (see timestampRescale.js). */
export function rescaleInt64(inWords: Int32Array, length: number, up: number, down: number): BigInt64Array;
