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
  /**
   * 2 for Spark 4's map form (`<sourceId>:<offset>` lines, OffsetMap), which names the sources it
   * holds: a query source it does not name has no offset yet. Absent for v1, which holds one line
   * per source. A checkpoint keeps the form it was started with (Spark: "checkpoint version wins").
   */
  readonly version?: 2;
}

export interface CommitMetadata {
  readonly nextBatchWatermarkMs: number;
}

/** The log version Sluice writes (Spark's default, read by every Spark since 2.1). */
const VERSION = 1;
/**
 * The newest version Sluice reads. Spark 4's `offsets/N` v2 names each source (`0:{…}` lines,
 * OffsetMap) and its `commits/N` v2 adds `stateUniqueIds` (checkpoint format v2); both carry
 * what a resume needs, so both are read (see `parseOffsetSeq`, `parseCommit`).
 */
const MAX_VERSION = 2;

/**
 * `v1\n{metadata}\n<offset per source or ->`, no trailing newline: Spark's OffsetSeqLog v1; or,
 * for an entry of version 2, `v2` and `<sourceId>:<offset or ->` lines (OffsetMap).
 */
export function serializeOffsetSeq(seq: OffsetSeq): string {
  const text = (o: Offset | null): string => (o === null ? '-' : JSON.stringify(o));
  const offsets = seq.version === 2 ? seq.offsets.map((o, i) => `${i}:${text(o)}`) : seq.offsets.map(text);
  return [`v${seq.version ?? VERSION}`, JSON.stringify(seq.metadata), ...offsets].join('\n');
}

/**
 * Read an offset log entry as Spark's OffsetSeqLog does: the metadata line's fields are each
 * optional (`{}` — or an empty line, as Spark 2.1 could write — means watermark 0, timestamp 0,
 * no conf), unknown fields are ignored, and conf values are kept as strings.
 */
export function parseOffsetSeq(text: string, file: string): OffsetSeq {
  const lines = textLines(text);
  const version = checkVersion(lines[0], file);
  if (lines.length < 2) throw corrupt(file, 'it has no metadata line (truncated?)');
  const metadata = lines[1]!.trim() === '' ? {} : parseJson(lines[1]!, file, 'metadata line');
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw corrupt(file, 'its metadata line is not a JSON object');
  const { batchWatermarkMs = 0, batchTimestampMs = 0, conf = {} } = metadata as { batchWatermarkMs?: unknown; batchTimestampMs?: unknown; conf?: unknown };
  if (typeof batchWatermarkMs !== 'number' || typeof batchTimestampMs !== 'number') throw corrupt(file, 'its batchWatermarkMs/batchTimestampMs are not numbers');
  if (conf === null || typeof conf !== 'object' || Array.isArray(conf)) throw corrupt(file, 'its conf is not a JSON object');
  const confStrings = Object.fromEntries(Object.entries(conf as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const metadataOut = { batchWatermarkMs, batchTimestampMs, conf: confStrings };
  if (version === 2) return { metadata: metadataOut, offsets: offsetMap(lines.slice(2), file), version: 2 };
  return { metadata: metadataOut, offsets: lines.slice(2).map((line, i) => parseOffset(line, file, `offset of source ${i}`)) };
}

const parseOffset = (text: string, file: string, what: string): Offset | null => (text === '-' ? null : (parseJson(text, file, what) as Offset));

/**
 * Spark 4's v2 offset lines, `<sourceId>:<offset>` (OffsetMap). Sluice's sources are positional,
 * so the ids must be the ordinals Spark gives unnamed sources (`0`, `1`, …); a source missing
 * from the map has no offset yet. A source named by the user (`.name("orders")`) cannot be
 * matched to a position and is refused.
 */
function offsetMap(lines: readonly string[], file: string): (Offset | null)[] {
  const offsets: (Offset | null)[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) throw corrupt(file, `its line ${JSON.stringify(line.slice(0, 40))} is not "<sourceId>:<offset>" as a v2 offset log holds`);
    const id = line.slice(0, colon);
    if (!/^\d+$/.test(id)) {
      throw new SluiceError(
        'CHECKPOINT_MISMATCH',
        `Checkpoint file ${file} records the offset of a source named '${id}' (Spark's named sources); Sluice's sources are matched by position and cannot tell which of the query's sources that is. Nothing was changed. Resume this checkpoint with Spark, or start the query with a new checkpointLocation.`,
        { details: { file, sourceId: id } },
      );
    }
    offsets[Number(id)] = parseOffset(line.slice(colon + 1), file, `offset of source ${id}`);
  }
  return Array.from(offsets, (o) => o ?? null);
}

/**
 * The lines of a log file as Scala's `getLines` gives them to Spark: a final line break ends the
 * last line rather than starting an empty one (Spark 4 writes some offsets files with one).
 */
function textLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function serializeCommit(commit: CommitMetadata): string {
  return `v${VERSION}\n${JSON.stringify(commit)}`;
}

/**
 * Read a commit log entry. Spark 2.2 and 2.3 wrote `v1\n{}` (no watermark: it was only recorded
 * from 2.4 on), which means 0, as Spark reads it. Spark 4's v2 entry (checkpoint format v2) adds
 * `stateUniqueIds`, naming the state files of that batch: only a reader of Spark's state needs
 * them, and Spark's state is refused on its own (`inspectStateDirectory`), so they are ignored.
 */
export function parseCommit(text: string, file: string): CommitMetadata {
  const lines = textLines(text);
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

/**
 * Whether an offsets entry is one a power cut tore while this engine wrote it in place: empty or
 * zero-filled (the length reached the disk, the data did not). Only the newest, uncommitted entry
 * may be such; recovery treats it as absent and rewrites it when the batch is planned again.
 */
export function isTornOffsets(text: string): boolean {
  return /^\0*$/.test(text);
}

function checkVersion(line: string | undefined, file: string): number {
  const match = /^v(\d+)$/.exec(line?.trim() ?? '');
  if (!match) throw corrupt(file, `its first line is ${JSON.stringify((line ?? '').slice(0, 40))}, not a version like "v1"`);
  const version = Number(match[1]);
  if (version > MAX_VERSION || version < 1) {
    throw corrupt(
      file,
      `the maximum supported log version is v${MAX_VERSION}, but encountered v${match[1]}: the log was produced by a newer version of Spark and cannot be read by this version (or by a newer Sluice); upgrade Sluice`,
    );
  }
  return version;
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
