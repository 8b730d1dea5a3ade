import { crc32 } from 'node:zlib';
import { corrupt } from '../../checkpoint/logEntries.ts';
import { SluiceError } from '../../errors.ts';
import { ByteWriter } from '../codec/byteWriter.ts';

/**
 * The bytes of one state file: a delta (the keys one version changed), a snapshot (every key of
 * a version) or a changelog (the RocksDB provider's delta). One format for all three:
 *
 * ```
 * "SLST" | format u8 = 1 | kind u8 | version u32 (low) u32 (high)
 * records: op u8 (1 put, 2 delete) | key space u8 | key length varint | key | [value length varint | value]
 * end:     op u8 = 0 | record count varint | crc32 of every byte before it u32
 * ```
 *
 * Files are written whole-or-nothing (temp file, fsync, rename), so the end marker and CRC catch
 * only damage done after the fact (a disk fault, a hand edit), never a torn write.
 */
export const STATE_FILE_FORMAT = 1;
const MAGIC = [0x53, 0x4c, 0x53, 0x54]; // "SLST"
const HEADER = 4 + 1 + 1 + 8;

/** What a state file holds: one version's changes (`delta`, `changelog`) or every key (`snapshot`). */
export type StateFileKind = 'delta' | 'snapshot' | 'changelog';
const KIND_CODE: Record<StateFileKind, number> = { delta: 1, snapshot: 2, changelog: 3 };

export const PUT = 1;
export const DELETE = 2;

/** Writes a state file record by record. */
export class StateFileWriter {
  private readonly w: ByteWriter;
  private count = 0;

  /** `capacity`: the bytes the records will take, about (the buffer grows past it when needed). */
  constructor(kind: StateFileKind, version: number, capacity = 4096) {
    this.w = new ByteWriter(Math.max(64, capacity + 32));
    this.w.raw(Uint8Array.from(MAGIC));
    this.w.byte(STATE_FILE_FORMAT);
    this.w.byte(KIND_CODE[kind]);
    this.w.ensure(8);
    this.w.view.setUint32(this.w.length, version >>> 0, true);
    this.w.view.setUint32(this.w.length + 4, Math.floor(version / 0x100000000), true);
    this.w.length += 8;
  }

  put(space: number, key: Uint8Array, value: Uint8Array): void {
    const w = this.w;
    w.byte(PUT);
    w.byte(space);
    w.varint(key.length);
    w.raw(key);
    w.varint(value.length);
    w.raw(value);
    this.count++;
  }

  /** A put from latin1 strings (the in-memory provider's representation): no intermediate arrays. */
  putLatin1(space: number, key: string, value: string): void {
    const w = this.w;
    w.byte(PUT);
    w.byte(space);
    writeLatin1(w, key);
    writeLatin1(w, value);
    this.count++;
  }

  delete(space: number, key: Uint8Array): void {
    const w = this.w;
    w.byte(DELETE);
    w.byte(space);
    w.varint(key.length);
    w.raw(key);
    this.count++;
  }

  deleteLatin1(space: number, key: string): void {
    const w = this.w;
    w.byte(DELETE);
    w.byte(space);
    writeLatin1(w, key);
    this.count++;
  }

  get records(): number {
    return this.count;
  }

  finish(): Uint8Array {
    const w = this.w;
    w.byte(0);
    w.varint(this.count);
    const sum = crc32(w.bytes.subarray(0, w.length));
    w.ensure(4);
    w.view.setUint32(w.length, sum, true);
    w.length += 4;
    return w.bytes.subarray(0, w.length);
  }
}

function writeLatin1(w: ByteWriter, text: string): void {
  const n = text.length;
  w.varint(n);
  w.ensure(n);
  const bytes = w.bytes;
  let at = w.length;
  for (let i = 0; i < n; i++) bytes[at++] = text.charCodeAt(i);
  w.length = at;
}

/** One record as byte ranges of the file (`value*` are -1 for a delete). */
export interface StateRecordVisitor {
  (op: number, space: number, bytes: Buffer, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void;
}

/**
 * Check a state file and hand each record to `visit`. `file` names it in errors. A file that is
 * not ours (Spark's LZ4 UnsafeRow deltas, an earlier Sluice's JSON) is refused with
 * STATE_FORMAT_UNSUPPORTED; one of ours that is damaged is CHECKPOINT_CORRUPT.
 */
export function readStateFile(data: Uint8Array, file: string, expected: StateFileKind, visit: StateRecordVisitor): { version: number; records: number } {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < HEADER || MAGIC.some((b, i) => bytes[i] !== b)) throw unsupportedStateFile(file, bytes);
  if (bytes[4] !== STATE_FILE_FORMAT) {
    throw new SluiceError('STATE_FORMAT_UNSUPPORTED', `State file ${file} is in state format ${bytes[4]}, which this version of Sluice cannot read (it reads format ${STATE_FILE_FORMAT}). Run the query with the Sluice version that wrote it, or start it with a new checkpointLocation.`, { details: { file } });
  }
  if (bytes[5] !== KIND_CODE[expected]) throw corrupt(file, `it is not a state ${expected} file`);
  if (bytes.length < HEADER + 5 || crc32(bytes.subarray(0, bytes.length - 4)) !== bytes.readUInt32LE(bytes.length - 4)) {
    throw corrupt(file, 'its checksum does not match: the file was damaged after it was written. Restore it from a backup, or start the query with a new checkpointLocation');
  }
  const version = bytes.readUInt32LE(6) + bytes.readUInt32LE(10) * 0x100000000;
  const end = bytes.length - 4;
  let at = HEADER;
  let records = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[at++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
  };
  for (;;) {
    if (at >= end) throw corrupt(file, 'it ends before its end marker');
    const op = bytes[at++]!;
    if (op === 0) break;
    const space = bytes[at++]!;
    const keyLength = varint();
    const keyStart = at;
    at += keyLength;
    if (op === PUT) {
      const valueLength = varint();
      visit(op, space, bytes, keyStart, keyStart + keyLength, at, at + valueLength);
      at += valueLength;
    } else if (op === DELETE) visit(op, space, bytes, keyStart, keyStart + keyLength, -1, -1);
    else throw corrupt(file, `it holds an unknown record type ${op}`);
    records++;
  }
  const count = varint();
  if (count !== records || at !== end) throw corrupt(file, `it should hold ${count} records but holds ${records}`);
  return { version, records };
}

/**
 * Whether `bytes` are a Sluice state file's, or what an in-place write of one leaves when the
 * process dies during it (nothing, NULs, or the start of the header): the files a provider may
 * delete as an abandoned attempt. The rest of the file is not checked (its CRC would catch damage).
 */
export function isOwnStateFile(bytes: Uint8Array): boolean {
  if (bytes.every((b) => b === 0)) return true;
  const n = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/** Why a file that is not a Sluice state file cannot be read, in words a user can act on. */
export function unsupportedStateFile(file: string, bytes: Uint8Array): SluiceError {
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  const origin = head.startsWith('LZ4Block') ? 'Apache Spark (LZ4-compressed UnsafeRow rows of its HDFS-backed state store)'
    : head.startsWith('PK') ? 'Apache Spark\'s RocksDB state store'
      : head.startsWith('v1\n') ? 'an earlier version of Sluice (whole JSON snapshots)'
        : 'another engine, or a format Sluice does not know';
  return new SluiceError(
    'STATE_FORMAT_UNSUPPORTED',
    `State file ${file} was written by ${origin}; Sluice cannot read it, and will not start with empty state in its place (that would give wrong answers). Resume this checkpoint with the engine that wrote it, or start the query with a new checkpointLocation.`,
    { details: { file } },
  );
}
