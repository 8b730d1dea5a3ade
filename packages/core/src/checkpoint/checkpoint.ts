import { SluiceError } from '../errors.ts';
import type { JsonValue, Offset, SourceMetadataStore } from '../types.ts';
import type { CheckpointStore } from './checkpointStore.ts';
import {
  corrupt, isTornCommit, isTornOffsets, parseCommit, parseOffsetSeq, serializeCommit, serializeOffsetSeq, type CommitMetadata, type OffsetSeq,
} from './logEntries.ts';

/** Where a (re)started query stands, read from its checkpoint (Spark's populateStartOffsets). */
export interface Recovery {
  /** The id the next planned batch gets. */
  readonly nextBatchId: number;
  /** End offsets of the last committed batch, i.e. where the next batch starts; null for a fresh query. */
  readonly committed: readonly (Offset | null)[] | null;
  /** A batch whose offsets were logged but never committed: re-run with exactly this range. */
  readonly pending: { readonly batchId: number; readonly seq: OffsetSeq } | null;
  /** The watermark the next batch plans with. */
  readonly watermarkMs: number;
  /** The watermark the last logged batch ran with: a higher `watermarkMs` calls for a no-data batch. */
  readonly lastBatchWatermarkMs: number;
  /**
   * The watermark of the batch before the pending one (offsets/N-1), 0 when there is none: a
   * re-run batch filters late rows against it, as its first attempt did (Spark 3.4+).
   */
  readonly previousBatchWatermarkMs: number;
  /** The query settings the last logged batch ran with (Spark restores them over the session's); null for a fresh query. */
  readonly conf: Readonly<Record<string, string>> | null;
}

/**
 * A query's checkpoint in Spark's layout: `metadata`, `offsets/N`, `commits/N`, `sources/<i>/`.
 * Log entries are put-if-absent, so a second writer is detected rather than overwriting.
 */
export class Checkpoint {
  private offsetIds: number[] = [];
  private commitIds: number[] = [];
  /** The newest commit, torn by a power cut: rewritten when its batch commits again, never deleted. */
  private tornCommit: number | null = null;
  /** The newest offsets entry, torn by a power cut during its write: rewritten when its batch is planned again. */
  private tornOffsets: number | null = null;
  private purging: Promise<void> = Promise.resolve();
  /** The offset log form of the checkpoint (Spark 4's v2 map, or v1): new entries keep it. */
  private logVersion: 2 | undefined;

  constructor(readonly store: CheckpointStore) {}

  /** The query id from `metadata`, written once (`{"id":"…"}`) on a fresh checkpoint. */
  async queryId(newId: () => string): Promise<string> {
    const text = await this.store.read('metadata');
    if (text !== undefined) return parseMetadata(text, this.file('metadata'));
    const id = newId();
    if (await this.store.write('metadata', JSON.stringify({ id }), { ifAbsent: true })) return id;
    return parseMetadata((await this.store.read('metadata'))!, this.file('metadata'));
  }

  async recover(numSources: number): Promise<Recovery> {
    this.offsetIds = await this.listIds('offsets');
    this.commitIds = await this.listIds('commits');
    await this.setAsideTornOffsets();
    const latest = this.offsetIds.at(-1);
    if (latest === undefined) return { nextBatchId: 0, committed: null, pending: null, watermarkMs: 0, lastBatchWatermarkMs: 0, previousBatchWatermarkMs: 0, conf: null };

    const seq = this.fitToSources(await this.readOffsets(latest), numSources, latest);
    this.logVersion = seq.version;
    let lastCommit = this.commitIds.at(-1);
    if (lastCommit !== undefined && lastCommit > latest) {
      throw corrupt(this.file(`commits/${lastCommit}`), `it commits batch ${lastCommit} but offsets/${lastCommit} does not exist`);
    }
    let commit = lastCommit === undefined ? undefined : await this.readLatestCommit(lastCommit);
    if (lastCommit !== undefined && commit === undefined) {
      // The newest commit was torn by a power cut: the batch counts as uncommitted and re-runs;
      // its file is rewritten when the batch commits again (start-up itself changes nothing).
      this.tornCommit = lastCommit;
      this.commitIds.pop();
      const previous = this.commitIds.at(-1);
      lastCommit = previous;
      commit = previous === undefined ? undefined : await this.readCommit(previous);
    }
    const watermarkMs = Math.max(seq.metadata.batchWatermarkMs, commit?.nextBatchWatermarkMs ?? 0);
    const lastBatchWatermarkMs = seq.metadata.batchWatermarkMs;
    const conf = seq.metadata.conf;
    if (lastCommit === latest) {
      return { nextBatchId: latest + 1, committed: seq.offsets, pending: null, watermarkMs, lastBatchWatermarkMs, previousBatchWatermarkMs: lastBatchWatermarkMs, conf };
    }
    let committed: readonly (Offset | null)[] | null = null;
    let previousBatchWatermarkMs = 0;
    if (latest > 0) {
      if (!this.offsetIds.includes(latest - 1)) {
        throw corrupt(this.file(`offsets/${latest}`), `batch ${latest} was never committed and offsets/${latest - 1}, which holds where it starts, is missing`);
      }
      const previous = this.fitToSources(await this.readOffsets(latest - 1), numSources, latest - 1);
      committed = previous.offsets;
      previousBatchWatermarkMs = previous.metadata.batchWatermarkMs;
    }
    return { nextBatchId: latest, committed, pending: { batchId: latest, seq }, watermarkMs: seq.metadata.batchWatermarkMs, lastBatchWatermarkMs, previousBatchWatermarkMs, conf };
  }

  /**
   * The entry's offsets, one per query source, as Spark's `toStreamProgress` pairs them. A v1
   * entry holds one line per source (`-` for one without an offset yet): another count is refused,
   * as Spark refuses it. A v2 entry (OffsetMap) names the sources it holds: a query source it does
   * not name has no offset yet and starts from its initial offset, and ids the query does not have
   * are ignored, as Spark's `sourceIdToSourceMap` lookup ignores them.
   */
  private fitToSources(seq: OffsetSeq, numSources: number, batchId: number): OffsetSeq {
    if (seq.version === 2) return { ...seq, offsets: Array.from({ length: numSources }, (_, i) => seq.offsets[i] ?? null) };
    if (seq.offsets.length === numSources) return seq;
    throw new SluiceError(
      'CHECKPOINT_MISMATCH',
      `There are ${seq.offsets.length} sources in the checkpoint offsets (${this.file(`offsets/${batchId}`)}) and now there are ${numSources} sources requested by the query. Cannot continue: restore the query's sources, or start it with a new checkpointLocation.`,
      { details: { location: this.store.location } },
    );
  }

  /**
   * Log batch N's planned offsets before it runs (Spark's walCommit). The entry is written in
   * place, put-if-absent, and its data and directory entry are fsync'd together: one fsync's
   * wait per batch instead of two in a row (temp file, then directory after the rename). A
   * power cut before this resolves may leave `offsets/N` empty or NUL-filled — but nothing acted
   * on it yet (the sink writes batch N, and sources discard batch N-1's input, only after this
   * resolves), so recovery treats such a newest entry as absent and plans batch N again.
   */
  async writeOffsets(batchId: number, seq: OffsetSeq): Promise<void> {
    const rewrite = this.tornOffsets === batchId;
    if (rewrite && !isTornOffsets((await this.store.read(`offsets/${batchId}`)) ?? '')) throw this.concurrent(batchId, 'offsets');
    const entry = this.logVersion === undefined ? seq : { ...seq, version: this.logVersion };
    if (!(await this.store.write(`offsets/${batchId}`, serializeOffsetSeq(entry), { ifAbsent: !rewrite, atomic: false }))) throw this.concurrent(batchId, 'offsets');
    if (rewrite) this.tornOffsets = null;
    this.offsetIds.push(batchId);
  }

  /**
   * Mark batch N done after its sink write succeeded. It need not survive a power cut: without
   * commits/N (or with a torn one, which recovery treats as absent) N re-runs with its logged
   * range and the idempotent sink skips it; and sources only discard batch N's input once
   * offsets/N+1 is durable (see `QueryRun.walCommit`), after which recovery never re-runs N.
   * So it is written in place without fsync: two fsyncs and four system calls fewer per batch.
   */
  async writeCommit(batchId: number, commit: CommitMetadata): Promise<void> {
    const rewrite = this.tornCommit === batchId;
    if (rewrite && !isTornCommit((await this.store.read(`commits/${batchId}`)) ?? '')) throw this.concurrent(batchId, 'commits');
    if (!(await this.store.write(`commits/${batchId}`, serializeCommit(commit), { ifAbsent: !rewrite, durable: false }))) throw this.concurrent(batchId, 'commits');
    if (rewrite) this.tornCommit = null;
    this.commitIds.push(batchId);
  }

  /**
   * Delete offsets and commits older than `beforeBatchId` (minBatchesToRetain), in the
   * background: old entries are never read again, so the batch need not wait (Spark's async purge).
   */
  purge(beforeBatchId: number, onError: (error: unknown) => void): void {
    const doomed: string[] = [];
    while (this.offsetIds.length > 0 && this.offsetIds[0]! < beforeBatchId) doomed.push(`offsets/${this.offsetIds.shift()}`);
    while (this.commitIds.length > 0 && this.commitIds[0]! < beforeBatchId) doomed.push(`commits/${this.commitIds.shift()}`);
    if (doomed.length === 0) return;
    const previous = this.purging;
    this.purging = previous.then(() => Promise.all(doomed.map((path) => this.store.delete(path)))).then(() => undefined, onError);
  }

  /** Wait for background deletions (before the checkpoint changes hands). */
  async settled(): Promise<void> {
    await this.purging;
  }

  /** The source's private folder `sources/<index>/`. */
  sourceMetadata(index: number): SourceMetadataStore {
    return new SourceMetadataLog(this.store, `sources/${index}`);
  }

  /**
   * A newest offsets entry that a power cut tore during its write (see `writeOffsets`) counts as
   * absent; start-up leaves the file as it is. Only an empty or NUL-filled file without a commit
   * is provably that; anything else unreadable is refused as corrupt when it is read.
   */
  private async setAsideTornOffsets(): Promise<void> {
    const latest = this.offsetIds.at(-1);
    if (latest === undefined || this.commitIds.includes(latest)) return;
    if (!isTornOffsets((await this.store.read(`offsets/${latest}`)) ?? 'absent')) return;
    this.tornOffsets = latest;
    this.offsetIds.pop();
  }

  private async readOffsets(batchId: number): Promise<OffsetSeq> {
    const path = `offsets/${batchId}`;
    const text = await this.store.read(path);
    if (text === undefined) throw corrupt(this.file(path), 'it disappeared while the query was starting');
    return parseOffsetSeq(text, this.file(path));
  }

  /**
   * The newest commit, or undefined when a power cut tore it (commits are written without
   * fsync). Only a file that is provably a torn commit of ours counts as absent; any other
   * unreadable commit is refused as corrupt.
   */
  private async readLatestCommit(batchId: number): Promise<CommitMetadata | undefined> {
    const text = await this.store.read(`commits/${batchId}`);
    if (text !== undefined && isTornCommit(text)) return undefined;
    return this.readCommit(batchId);
  }

  private async readCommit(batchId: number): Promise<CommitMetadata> {
    const path = `commits/${batchId}`;
    const text = await this.store.read(path);
    if (text === undefined) throw corrupt(this.file(path), 'it disappeared while the query was starting');
    return parseCommit(text, this.file(path));
  }

  private async listIds(dir: string): Promise<number[]> {
    const ids: number[] = [];
    for (const name of await this.store.list(dir)) {
      if (!/^\d+$/.test(name)) throw corrupt(this.file(`${dir}/${name}`), `it is not a batch file (names in ${dir}/ are batch ids); remove it if it was put there by hand`);
      ids.push(Number(name));
    }
    return ids.sort((a, b) => a - b);
  }

  private concurrent(batchId: number, log: string): SluiceError {
    return new SluiceError(
      'CHECKPOINT_LOCKED',
      `Concurrent update to the log: ${log}/${batchId} in checkpoint ${this.store.location} was written by someone else. Multiple streaming queries are using this checkpoint; stop all but one.`,
      { details: { location: this.store.location, batchId } },
    );
  }

  private file(path: string): string {
    return `${this.store.location.replace(/\/$/, '')}/${path}`;
  }
}

/** What a power cut during an in-place write of a small file leaves: nothing, or NULs. */
function parseMetadata(text: string, file: string): string {
  try {
    const value = JSON.parse(text) as { id?: unknown };
    if (typeof value.id === 'string' && value.id.length > 0) return value.id;
  } catch {
    // fall through to the corrupt error
  }
  throw corrupt(file, 'it should hold {"id":"<query id>"}');
}

/** `sources/<i>/<name>` entries as `v1\n<json>`, written whole-or-nothing. */
class SourceMetadataLog implements SourceMetadataStore {
  constructor(
    private readonly store: CheckpointStore,
    private readonly dir: string,
  ) {}

  async getOrCreate<T extends JsonValue>(name: string, create: () => T | Promise<T>): Promise<T> {
    const existing = await this.get<T>(name);
    if (existing !== undefined) return existing;
    const value = await create();
    if (await this.store.write(`${this.dir}/${name}`, `v1\n${JSON.stringify(value)}`, { ifAbsent: true })) return value;
    return (await this.get<T>(name))!;
  }

  async get<T extends JsonValue>(name: string): Promise<T | undefined> {
    const path = `${this.dir}/${name}`;
    const text = await this.store.read(path);
    if (text === undefined) return undefined;
    const newline = text.indexOf('\n');
    const file = `${this.store.location.replace(/\/$/, '')}/${path}`;
    if (!/^v\d+$/.test(text.slice(0, newline))) throw corrupt(file, 'its first line is not a version like "v1"');
    try {
      return JSON.parse(text.slice(newline + 1)) as T;
    } catch {
      throw corrupt(file, 'its content is not valid JSON');
    }
  }

  async put(name: string, value: JsonValue): Promise<void> {
    await this.store.write(`${this.dir}/${name}`, `v1\n${JSON.stringify(value)}`, { ifAbsent: false });
  }

  async list(): Promise<string[]> {
    return this.store.list(this.dir);
  }

  async remove(name: string): Promise<void> {
    await this.store.delete(`${this.dir}/${name}`);
  }

  readText(name: string): Promise<string | undefined> {
    return this.store.read(`${this.dir}/${name}`);
  }

  writeText(name: string, text: string, options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
    return this.store.write(`${this.dir}/${name}`, text, { ifAbsent: options.ifAbsent ?? false });
  }
}
