/**
 * Deletion vectors (PROTOCOL.md, "Deletion Vectors" and "Deletion Vector Format"): the rows of a
 * data file that a DELETE/UPDATE/MERGE invalidated without rewriting the file. A descriptor points
 * at a 64-bit RoaringBitmap (portable serialization, behind a magic number) stored inline in the
 * log (Z85-encoded) or in a `deletion_vector_<uuid>.bin` file beside the data.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '@sluice/core';
import type { DeletionVectorDescriptor } from './actions.ts';
import { resolveDataPath } from './partitionValues.ts';

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_INDEX = new Map([...Z85].map((ch, i) => [ch, i]));
/** `RoaringBitmapArray` formats: portable (the protocol's; 64-bit portable Roaring) and Delta's older native one. */
const PORTABLE_MAGIC = 1681511377;
const NATIVE_MAGIC = 1681511376;

/** Bytes from Z85 text (ZeroMQ's base-85: 5 characters per 4 bytes, big-endian). */
export function decodeZ85(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new Error(`Z85 text must be a multiple of 5 characters long, got ${text.length}`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let k = 0; k < 5; k++) {
      const digit = Z85_INDEX.get(text[i + k]!);
      if (digit === undefined) throw new Error(`'${text[i + k]}' is not a Z85 character`);
      value = value * 85 + digit;
    }
    out[o] = (value >>> 24) & 0xff;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}

/** The file a `u` (relative, UUID-named) or `p` (absolute) descriptor points at. */
export function deletionVectorFile(tablePath: string, dv: DeletionVectorDescriptor): string {
  if (dv.storageType === 'p') return resolveDataPath(tablePath, dv.pathOrInlineDv);
  const encoded = dv.pathOrInlineDv;
  const prefix = encoded.slice(0, encoded.length - 20);
  const uuid = decodeZ85(encoded.slice(-20));
  const hex = Buffer.from(uuid).toString('hex');
  const name = `deletion_vector_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}.bin`;
  return prefix === '' ? join(tablePath, name) : join(tablePath, prefix, name);
}

/** The deleted row indexes (ascending) a descriptor records. */
export async function readDeletionVector(tablePath: string, dv: DeletionVectorDescriptor): Promise<number[]> {
  let bitmap: Uint8Array;
  if (dv.storageType === 'i') {
    bitmap = decodeZ85(dv.pathOrInlineDv).subarray(0, dv.sizeInBytes);
  } else if (dv.storageType === 'u' || dv.storageType === 'p') {
    const file = deletionVectorFile(tablePath, dv);
    const bytes = await readFile(file).catch((e: unknown) => {
      throw new SluiceError('FILE_NOT_FOUND', `The deletion vector file ${file} of the Delta table at ${tablePath} cannot be read (${(e as Error).message}); the table is damaged or was vacuumed too aggressively.`, {
        cause: e, details: { file },
      });
    });
    const at = dv.offset ?? 1;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (at + 4 > bytes.length) throw corruptDv(file, 'the offset is past the end of the file');
    const size = view.getUint32(at, false);
    bitmap = bytes.subarray(at + 4, at + 4 + size);
    if (bitmap.length !== size) throw corruptDv(file, 'the file is truncated');
  } else {
    throw new SluiceError('DELTA_UNSUPPORTED_FEATURE', `Deletion vector storage type '${dv.storageType}' is unknown.`, { details: { feature: `deletionVector.storageType=${dv.storageType}` } });
  }
  let rows: number[];
  try {
    rows = decodeRoaringArray(bitmap);
  } catch (e) {
    throw corruptDv(tablePath, (e as Error).message);
  }
  if (rows.length !== dv.cardinality) throw corruptDv(tablePath, `it holds ${rows.length} rows but its descriptor says ${dv.cardinality}`);
  return rows;
}

function corruptDv(where: string, reason: string): SluiceError {
  return new SluiceError('FILE_CORRUPT', `A deletion vector of ${where} is damaged: ${reason}.`, { details: { file: where } });
}

/**
 * The values of Delta's `RoaringBitmapArray`: a magic number, then either the portable 64-bit
 * RoaringBitmap (bucket count, then per bucket its high 32 bits and a 32-bit bitmap) or Delta's
 * native layout (bitmap count, then per bitmap its byte size and a 32-bit bitmap; bitmap i holds
 * the values with high bits i) — the protocol's inline example is of the native kind, big-endian.
 */
export function decodeRoaringArray(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new Error('not a Delta deletion vector (too short)');
  const out: number[] = [];
  if (view.getInt32(0, true) === PORTABLE_MAGIC) {
    const buckets = Number(view.getBigUint64(4, true));
    let at = 12;
    for (let b = 0; b < buckets; b++) {
      const high = view.getUint32(at, true) * 2 ** 32;
      at = decodeRoaring32(view, at + 4, (low) => out.push(high + low));
    }
    return out;
  }
  const little = view.getInt32(0, true) === NATIVE_MAGIC;
  if (!little && view.getInt32(0, false) !== NATIVE_MAGIC) throw new Error('not a Delta deletion vector (bad magic number)');
  const count = view.getInt32(4, little);
  let at = 8;
  for (let b = 0; b < count; b++) {
    const size = view.getInt32(at, little);
    const high = b * 2 ** 32;
    decodeRoaring32(view, at + 4, (low) => out.push(high + low));
    at += 4 + size;
  }
  return out;
}

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;

/** One 32-bit RoaringBitmap in the standard serialization (RoaringFormatSpec); returns where it ends. */
function decodeRoaring32(view: DataView, start: number, emit: (value: number) => void): number {
  let at = start;
  const cookie = view.getUint32(at, true);
  at += 4;
  let size: number;
  let runs: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    runs = new Uint8Array(view.buffer, view.byteOffset + at, (size + 7) >> 3);
    at += (size + 7) >> 3;
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = view.getUint32(at, true);
    at += 4;
  } else {
    throw new Error(`unknown RoaringBitmap cookie ${cookie}`);
  }
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(view.getUint16(at, true));
    cardinalities.push(view.getUint16(at + 2, true) + 1);
    at += 4;
  }
  // Offsets follow unless a small bitmap with run containers omits them; we read sequentially anyway.
  if (runs === undefined || size >= 4) at += 4 * size;
  for (let i = 0; i < size; i++) {
    const base = keys[i]! << 16 >>> 0;
    const isRun = runs !== undefined && ((runs[i >> 3]! >> (i & 7)) & 1) === 1;
    if (isRun) {
      const count = view.getUint16(at, true);
      at += 2;
      for (let r = 0; r < count; r++) {
        const first = view.getUint16(at, true);
        const length = view.getUint16(at + 2, true);
        at += 4;
        for (let v = first; v <= first + length; v++) emit(base + v);
      }
    } else if (cardinalities[i]! <= 4096) {
      for (let k = 0; k < cardinalities[i]!; k++, at += 2) emit(base + view.getUint16(at, true));
    } else {
      for (let word = 0; word < 2048; word++, at += 4) {
        let bits = view.getUint32(at, true);
        while (bits !== 0) {
          const low = bits & -bits;
          emit(base + word * 32 + (31 - Math.clz32(low)));
          bits ^= low;
        }
      }
    }
  }
  return at;
}
