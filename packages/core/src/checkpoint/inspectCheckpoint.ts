import type { CheckpointStore } from './checkpointStore.ts';
import { FileCheckpointStore } from './fileCheckpointStore.ts';
import { isTornCommit, isTornOffsets, parseCommit, parseOffsetSeq, type OffsetSeq } from './logEntries.ts';
import { SluiceError } from '../errors.ts';

/** What a checkpoint holds, and what is wrong with it (Spark has no such tool; its users delete files by hand). */
export interface CheckpointReport {
  readonly location: string;
  readonly queryId: string | null;
  /** Who holds `.lock` (a running query, or a dead one that left it), or null. */
  readonly lock: string | null;
  readonly offsets: { readonly first: number; readonly last: number } | null;
  readonly commits: { readonly first: number; readonly last: number } | null;
  readonly lastCommittedBatch: number | null;
  /** The batch a restart will re-run first, with its logged end offsets. */
  readonly pendingBatch: { readonly batchId: number; readonly seq: OffsetSeq } | null;
  readonly sources: readonly { readonly index: number; readonly entries: number }[];
  /** Everything that would stop a restart or that looks foreign, one sentence each. */
  readonly problems: readonly string[];
  /**
   * Newest log entries a power cut tore while they were written: a restart treats each as absent
   * and rewrites it, so they are not problems. Listed so a person reading the directory knows why
   * a file is empty.
   */
  readonly torn: readonly string[];
}

/**
 * Read a checkpoint without touching it: its query id, the logged and committed batches, the
 * batch a restart will re-run, and every problem found (gaps, torn files, foreign files).
 *
 * @example
 * const report = await inspectCheckpoint('/tmp/checkpoint');
 * if (report.problems.length) console.log(report.problems.join('\n'));
 */
export async function inspectCheckpoint(location: string | CheckpointStore): Promise<CheckpointReport> {
  const store = typeof location === 'string' ? new FileCheckpointStore(location) : location;
  const problems: string[] = [];
  const file = (path: string) => `${store.location.replace(/\/$/, '')}/${path}`;

  let queryId: string | null = null;
  const metadata = await store.read('metadata');
  if (metadata === undefined) problems.push('metadata is missing: this is not a checkpoint yet, or its metadata file was deleted');
  else {
    try {
      queryId = (JSON.parse(metadata) as { id?: string }).id ?? null;
    } catch {
      problems.push(`${file('metadata')} is not valid JSON`);
    }
  }

  const offsetIds = await ids(store, 'offsets', problems, file);
  const commitIds = await ids(store, 'commits', problems, file);
  const torn = await setAsideTorn(store, offsetIds, commitIds);
  for (const [name, list] of [['offsets', offsetIds], ['commits', commitIds]] as const) {
    for (let i = 1; i < list.length; i++) if (list[i] !== list[i - 1]! + 1) problems.push(`${name}/ has a gap between batches ${list[i - 1]} and ${list[i]}`);
  }
  const seqs = new Map<number, OffsetSeq>();
  for (const id of offsetIds) {
    try {
      seqs.set(id, parseOffsetSeq((await store.read(`offsets/${id}`)) ?? '', file(`offsets/${id}`)));
    } catch (error) {
      problems.push((error as Error).message.replace(/^\[CHECKPOINT_CORRUPT\] /, ''));
    }
  }
  for (const id of commitIds) {
    try {
      parseCommit((await store.read(`commits/${id}`)) ?? '', file(`commits/${id}`));
    } catch (error) {
      problems.push((error as Error).message.replace(/^\[CHECKPOINT_CORRUPT\] /, ''));
    }
    if (!offsetIds.includes(id)) problems.push(`commits/${id} has no offsets/${id}`);
  }
  const lastOffsets = offsetIds.at(-1);
  const lastCommit = commitIds.at(-1) ?? null;
  const pending = lastOffsets !== undefined && lastOffsets !== lastCommit && seqs.has(lastOffsets) ? { batchId: lastOffsets, seq: seqs.get(lastOffsets)! } : null;

  const sources: { index: number; entries: number }[] = [];
  for (const name of await store.list('sources')) sources.push({ index: Number(name), entries: (await store.list(`sources/${name}`)).length });

  return {
    location: store.location,
    queryId,
    lock: (await readLock(store)) ?? null,
    offsets: offsetIds.length ? { first: offsetIds[0]!, last: lastOffsets! } : null,
    commits: commitIds.length ? { first: commitIds[0]!, last: lastCommit! } : null,
    lastCommittedBatch: lastCommit,
    pendingBatch: pending,
    sources,
    problems,
    torn,
  };
}

/**
 * Give up the batch a restart would re-run (its input can no longer be read, or it fails on a
 * poison record): `offsets/N` without `commits/N` is removed, so the next run plans batch N
 * afresh from the last committed offsets. Its rows are skipped only if the source no longer has
 * them; this is a decision a person makes. Refused while a query holds the checkpoint.
 *
 * @example
 * const dropped = await dropUncommittedBatch('/var/lib/app/ck'); // the batch id given up, or null when every batch was committed
 */
export async function dropUncommittedBatch(location: string | CheckpointStore): Promise<number | null> {
  const store = typeof location === 'string' ? new FileCheckpointStore(location) : location;
  const lock = await store.lock({ queryId: null, runId: 'checkpoint-tool', name: 'checkpoint tool' });
  try {
    const report = await inspectCheckpoint(store);
    if (!report.pendingBatch) return null;
    await store.delete(`offsets/${report.pendingBatch.batchId}`);
    return report.pendingBatch.batchId;
  } finally {
    await lock.release();
  }
}

async function ids(store: CheckpointStore, dir: string, problems: string[], file: (p: string) => string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await store.list(dir)) {
    if (/^\d+$/.test(name)) out.push(Number(name));
    else problems.push(`${file(`${dir}/${name}`)} is not a batch file`);
  }
  return out.sort((a, b) => a - b);
}

/** Take out of the id lists the newest entries recovery treats as absent (see `Checkpoint.recover`). */
async function setAsideTorn(store: CheckpointStore, offsetIds: number[], commitIds: number[]): Promise<string[]> {
  const torn: string[] = [];
  const lastOffsets = offsetIds.at(-1);
  if (lastOffsets !== undefined && !commitIds.includes(lastOffsets) && isTornOffsets((await store.read(`offsets/${lastOffsets}`)) ?? 'absent')) {
    offsetIds.pop();
    torn.push(`offsets/${lastOffsets} is empty (a power cut during its write): the next start plans batch ${lastOffsets} again`);
  }
  const lastCommit = commitIds.at(-1);
  if (lastCommit !== undefined && isTornCommit((await store.read(`commits/${lastCommit}`)) ?? 'absent')) {
    commitIds.pop();
    torn.push(`commits/${lastCommit} is incomplete (a power cut during its write): batch ${lastCommit} re-runs and its commit is written again`);
  }
  return torn;
}

async function readLock(store: CheckpointStore): Promise<string | undefined> {
  try {
    return await store.read('.lock');
  } catch (error) {
    if (error instanceof SluiceError) return undefined;
    throw error;
  }
}
