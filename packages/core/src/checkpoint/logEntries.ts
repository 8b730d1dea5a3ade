import { SluiceError } from '../errors.ts';
import type { Offset } from '../types.ts';

/** Line 2 of `offsets/N` (Spark's OffsetSeqMetadata): what a replay of batch N must reuse. */
export interface OffsetSeqMetadata {
  readonly batchWatermarkMs: number;
  /** Frozen "now" of the batch: `currentTimestamp()` reads it, so a replay sees the same value. */
  readonly batchTimestampMs: number;
  /** Query-affecting settings restored on restart. */
  readonly conf: Readonly<Record<string, string>>;
}

/** One `offsets/N` entry: the metadata and the end offset of each source (null when it has none yet). */
export interface OffsetSeq {
  readonly metadata: OffsetSeqMetadata;
  readonly offsets: readonly (Offset | null)[];
}

export interface CommitMetadata {
  readonly nextBatchWatermarkMs: number;
}

const VERSION = 1;

/** `v1\n{metadata}\n<offset per source or ->`, no trailing newline: Spark's OffsetSeqLog v1. */
export function serializeOffsetSeq(seq: OffsetSeq): string {
  const lines = [`v${VERSION}`, JSON.stringify(seq.metadata), ...seq.offsets.map((o) => (o === null ? '-' : JSON.stringify(o)))];
  return lines.join('\n');
}

/**
 * Read an offset log entry as Spark's OffsetSeqLog does: the metadata line's fields are each
 * optional (`{}` — or an empty line, as Spark 2.1 could write — means watermark 0, timestamp 0,
 * no conf), unknown fields are ignored, and conf values are kept as strings.
 */
export function parseOffsetSeq(text: string, file: string): OffsetSeq {
  const lines = text.split('\n');
  checkVersion(lines[0], file);
  if (lines.length < 2) throw corrupt(file, 'it has no metadata line (truncated?)');
  const metadata = lines[1]!.trim() === '' ? {} : parseJson(lines[1]!, file, 'metadata line');
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw corrupt(file, 'its metadata line is not a JSON object');
  const { batchWatermarkMs = 0, batchTimestampMs = 0, conf = {} } = metadata as { batchWatermarkMs?: unknown; batchTimestampMs?: unknown; conf?: unknown };
  if (typeof batchWatermarkMs !== 'number' || typeof batchTimestampMs !== 'number') throw corrupt(file, 'its batchWatermarkMs/batchTimestampMs are not numbers');
  if (conf === null || typeof conf !== 'object' || Array.isArray(conf)) throw corrupt(file, 'its conf is not a JSON object');
  const confStrings = Object.fromEntries(Object.entries(conf as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const offsets = lines.slice(2).map((line, i) => (line === '-' ? null : (parseJson(line, file, `offset of source ${i}`) as Offset)));
  return { metadata: { batchWatermarkMs, batchTimestampMs, conf: confStrings }, offsets };
}

export function serializeCommit(commit: CommitMetadata): string {
  return `v${VERSION}\n${JSON.stringify(commit)}`;
}

/**
 * Read a commit log entry. Spark 2.2 and 2.3 wrote `v1\n{}` (no watermark: it was only recorded
 * from 2.4 on), which means 0, as Spark reads it.
 */
export function parseCommit(text: string, file: string): CommitMetadata {
  const lines = text.split('\n');
  checkVersion(lines[0], file);
  if (lines.length < 2) throw corrupt(file, 'it has no metadata line (truncated?)');
  const value = parseJson(lines[1]!, file, 'metadata line') as { nextBatchWatermarkMs?: unknown } | null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw corrupt(file, 'its metadata line is not a JSON object');
  const { nextBatchWatermarkMs = 0 } = value;
  if (typeof nextBatchWatermarkMs !== 'number') throw corrupt(file, 'its nextBatchWatermarkMs is not a number');
  return { nextBatchWatermarkMs };
}

const COMMIT_PREFIX = `v${VERSION}\n{"nextBatchWatermarkMs":`;

/**
 * Whether a commit file is one this engine wrote and a power cut tore (commits are written in
 * place without fsync): empty, zero-filled, or a strict prefix of `v1\n{"nextBatchWatermarkMs":N}`.
 * Only such a file may be rewritten at start-up; anything else is refused, never touched.
 */
export function isTornCommit(text: string): boolean {
  if (text === '' || /^\0+$/.test(text)) return true;
  if (COMMIT_PREFIX.startsWith(text)) return true;
  return text.startsWith(COMMIT_PREFIX) && /^-?\d*$/.test(text.slice(COMMIT_PREFIX.length));
}

function checkVersion(line: string | undefined, file: string): void {
  const match = /^v(\d+)$/.exec(line ?? '');
  if (!match) throw corrupt(file, `its first line is ${JSON.stringify((line ?? '').slice(0, 40))}, not a version like "v1"`);
  if (Number(match[1]) > VERSION) {
    throw corrupt(
      file,
      `the maximum supported log version is v${VERSION}, but encountered v${match[1]}: the log was produced by a newer version of Spark and cannot be read by this version (or by a newer Sluice); upgrade Sluice`,
    );
  }
}

function parseJson(line: string, file: string, what: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw corrupt(file, `its ${what} is not valid JSON: ${JSON.stringify(line.slice(0, 60))}`);
  }
}

/** The `CHECKPOINT_CORRUPT` error for a checkpoint (or state) file that cannot be read, saying what to do. */
export function corrupt(file: string, reason: string): SluiceError {
  return new SluiceError(
    'CHECKPOINT_CORRUPT',
    `Checkpoint file ${file} is corrupt: ${reason}. Nothing was overwritten. Restore the file from a backup, or move the checkpoint aside and start the query fresh (it will reprocess from its starting offsets).`,
    { details: { file } },
  );
}
