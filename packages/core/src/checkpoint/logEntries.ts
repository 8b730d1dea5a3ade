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

export function parseOffsetSeq(text: string, file: string): OffsetSeq {
  const lines = text.split('\n');
  checkVersion(lines[0], file);
  if (lines.length < 2) throw corrupt(file, 'it has no metadata line (truncated?)');
  const metadata = parseJson(lines[1]!, file, 'metadata line') as Partial<OffsetSeqMetadata>;
  if (typeof metadata.batchWatermarkMs !== 'number' || typeof metadata.batchTimestampMs !== 'number') {
    throw corrupt(file, 'its metadata line lacks batchWatermarkMs/batchTimestampMs');
  }
  const offsets = lines.slice(2).map((line, i) => (line === '-' ? null : (parseJson(line, file, `offset of source ${i}`) as Offset)));
  return {
    metadata: { batchWatermarkMs: metadata.batchWatermarkMs, batchTimestampMs: metadata.batchTimestampMs, conf: metadata.conf ?? {} },
    offsets,
  };
}

export function serializeCommit(commit: CommitMetadata): string {
  return `v${VERSION}\n${JSON.stringify(commit)}`;
}

export function parseCommit(text: string, file: string): CommitMetadata {
  const lines = text.split('\n');
  checkVersion(lines[0], file);
  if (lines.length < 2) throw corrupt(file, 'it has no metadata line (truncated?)');
  const value = parseJson(lines[1]!, file, 'metadata line') as Partial<CommitMetadata>;
  if (typeof value.nextBatchWatermarkMs !== 'number') throw corrupt(file, 'it lacks nextBatchWatermarkMs');
  return { nextBatchWatermarkMs: value.nextBatchWatermarkMs };
}

function checkVersion(line: string | undefined, file: string): void {
  const match = /^v(\d+)$/.exec(line ?? '');
  if (!match) throw corrupt(file, `its first line is ${JSON.stringify((line ?? '').slice(0, 40))}, not a version like "v1"`);
  if (Number(match[1]) > VERSION) {
    throw corrupt(file, `it was written in log version ${match[1]}, newer than this Sluice understands (v${VERSION}); upgrade Sluice`);
  }
}

function parseJson(line: string, file: string, what: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw corrupt(file, `its ${what} is not valid JSON: ${JSON.stringify(line.slice(0, 60))}`);
  }
}

export function corrupt(file: string, reason: string): SluiceError {
  return new SluiceError(
    'CHECKPOINT_CORRUPT',
    `Checkpoint file ${file} is corrupt: ${reason}. Nothing was overwritten. Restore the file from a backup, or move the checkpoint aside and start the query fresh (it will reprocess from its starting offsets).`,
    { details: { file } },
  );
}
