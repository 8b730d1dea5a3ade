// Arrow arrays out of a wasm instance's memory through the Arrow C Data Interface
// (https://arrow.apache.org/docs/format/CDataInterface.html): each buffer is copied once into its
// own ArrayBuffer, which the worker then transfers to the main thread without another copy.
// Arrow IPC would encode and copy everything a second time. Plain JavaScript for the reason
// parquetWorker.js gives; arrowFromC.ts turns the descriptions into Arrow JS data.
//
// Struct layouts on wasm32 (pointers 4 bytes, int64 aligned to 8):
//   ArrowSchema: format@0 name@4 metadata@8 flags@16 n_children@24 children@32 dictionary@36
//   ArrowArray:  length@0 null_count@8 offset@16 n_buffers@24 n_children@32 buffers@40 children@44 dictionary@48
import { rescaleInt64 } from '../timestampRescale.js';

const decoder = new TextDecoder();

/** Byte width of the values of fixed-width formats. */
const WIDTH = { c: 1, C: 1, s: 2, S: 2, i: 4, I: 4, l: 8, L: 8, e: 2, f: 4, g: 8, tdD: 4, tdm: 8, tts: 4, ttm: 4, ttu: 8, ttn: 8, tDs: 8, tDm: 8, tDu: 8, tDn: 8 };

/** The field at `addr`: format, name, flags, metadata and children, or undefined if a format is not one arrowFromC.ts builds. */
export function readSchema(memory, addr) {
  const view = new DataView(memory.buffer);
  const format = cString(memory, view.getUint32(addr, true));
  if (!supported(format)) return undefined;
  const name = cString(memory, view.getUint32(addr + 4, true));
  const metadata = readMetadata(memory, view.getUint32(addr + 8, true));
  const flags = Number(view.getBigInt64(addr + 16, true));
  const count = Number(view.getBigInt64(addr + 24, true));
  const childrenAt = view.getUint32(addr + 32, true);
  const children = [];
  for (let k = 0; k < count; k++) {
    const child = readSchema(memory, view.getUint32(childrenAt + 4 * k, true));
    if (child === undefined) return undefined;
    children.push(child);
  }
  const dictionaryAt = view.getUint32(addr + 36, true);
  let dictionary = null;
  if (dictionaryAt !== 0) {
    dictionary = readSchema(memory, dictionaryAt);
    if (dictionary === undefined) return undefined;
  }
  return { format, name, flags, metadata, children, dictionary };
}

function supported(format) {
  return format in WIDTH || 'nbuUzZ'.includes(format) && format.length === 1 || /^(w:\d+|d:\d+,\d+(,(128|256))?|ts[smun]:.*|\+[lsm]|\+w:\d+)$/.test(format);
}

/**
 * The array at `addr` (of `field`), its buffers copied out of wasm memory; `transfer` collects
 * them. Undefined when an array is offset into its buffers (freshly decoded ones never are):
 * C Data and Arrow JS apply offsets differently, and the IPC path handles those.
 */
export function readArray(memory, addr, field, transfer, millis = false) {
  const view = new DataView(memory.buffer);
  const length = Number(view.getBigInt64(addr, true));
  const nullCount = Number(view.getBigInt64(addr + 8, true));
  const offset = Number(view.getBigInt64(addr + 16, true));
  if (offset !== 0) return undefined;
  const buffersAt = view.getUint32(addr + 40, true);
  const childrenAt = view.getUint32(addr + 44, true);
  const pointer = (k) => view.getUint32(buffersAt + 4 * k, true);
  const end = length;
  const copy = (ptr, bytes) => {
    if (ptr === 0 || bytes === 0) return null;
    const out = new Uint8Array(bytes);
    out.set(new Uint8Array(memory.buffer, ptr, bytes));
    transfer.push(out.buffer);
    return out;
  };
  const format = field.format;
  // No nulls, no bitmap: Arrow JS treats a missing bitmap as all valid.
  const validity = format === 'n' || nullCount === 0 ? null : copy(pointer(0), Math.ceil(end / 8));
  const buffers = [validity];
  if (format === 'b') buffers.push(copy(pointer(1), Math.ceil(end / 8)));
  else if (format in WIDTH) buffers.push(copy(pointer(1), end * WIDTH[format]));
  else if (format.startsWith('ts')) {
    if (millis && format[2] !== 'm') {
      const out = timestampsAsMillis(memory, pointer(1), end, format[2]);
      transfer.push(out.buffer);
      buffers.push(new Uint8Array(out.buffer));
    } else buffers.push(copy(pointer(1), end * 8));
  }
  else if (format.startsWith('w:')) buffers.push(copy(pointer(1), end * Number(format.slice(2))));
  else if (format.startsWith('d:')) buffers.push(copy(pointer(1), end * (format.endsWith(',256') ? 32 : 16)));
  else if (format === 'u' || format === 'z') {
    const offsets = pointer(1);
    buffers.push(copy(offsets, (end + 1) * 4));
    buffers.push(copy(pointer(2), view.getInt32(offsets + 4 * end, true)));
  } else if (format === 'U' || format === 'Z') {
    const offsets = pointer(1);
    buffers.push(copy(offsets, (end + 1) * 8));
    buffers.push(copy(pointer(2), Number(view.getBigInt64(offsets + 8 * end, true))));
  } else if (format === '+l' || format === '+m') buffers.push(copy(pointer(1), (end + 1) * 4));
  const children = field.children.map((child, k) => readArray(memory, view.getUint32(childrenAt + 4 * k, true), child, transfer, millis));
  if (children.includes(undefined)) return undefined;
  const dictionary = field.dictionary === null ? null : readArray(memory, view.getUint32(addr + 48, true), field.dictionary, transfer, millis);
  if (dictionary === undefined) return undefined;
  return { length, nullCount, buffers, children, dictionary };
}

/** The field with every timestamp in milliseconds, as readArray(…, millis = true) converted them. */
export function asMillis(field) {
  const format = field.format.startsWith('ts') ? `tsm${field.format.slice(3)}` : field.format;
  return { ...field, format, children: field.children.map(asMillis), dictionary: field.dictionary === null ? null : asMillis(field.dictionary) };
}

const PER_SECOND = { s: 1, m: 1_000, u: 1_000_000, n: 1_000_000_000 };

/**
 * Timestamps rescaled to milliseconds while copied out (floor division, as conform.ts does, so
 * the main thread's conversion becomes a no-op that runs on every core instead of one): float
 * math while exact, BigInt beyond (timestampRescale.js).
 */
function timestampsAsMillis(memory, ptr, length, unit) {
  if (ptr === 0 || length === 0) return new BigInt64Array(length);
  const from = PER_SECOND[unit];
  return rescaleInt64(new Int32Array(memory.buffer, ptr, length * 2), length, from < 1_000 ? 1_000 / from : 1, from > 1_000 ? from / 1_000 : 1);
}

function cString(memory, ptr) {
  if (ptr === 0) return '';
  const bytes = new Uint8Array(memory.buffer, ptr);
  return decoder.decode(bytes.subarray(0, bytes.indexOf(0)));
}

/** Metadata is int32 count, then (int32 length, bytes) for each key and value. */
function readMetadata(memory, ptr) {
  if (ptr === 0) return null;
  const view = new DataView(memory.buffer);
  let at = ptr;
  const int = () => {
    const v = view.getInt32(at, true);
    at += 4;
    return v;
  };
  const text = () => {
    const n = int();
    const s = decoder.decode(new Uint8Array(memory.buffer, at, n));
    at += n;
    return s;
  };
  const entries = [];
  for (let k = int(); k > 0; k--) entries.push([text(), text()]);
  return entries;
}
