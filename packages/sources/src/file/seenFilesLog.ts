import { SluiceError } from '@sluice/core';
import { type SourceMetadataStore } from '@sluice/core/connector';

/** One line of the log: a file admitted into log batch `batchId` (Spark's FileEntry). */
export interface SeenFile {
  /** `file:///in/a.json` */
  readonly path: string;
  /** Modification time, epoch ms. */
  readonly timestamp: number;
  readonly batchId: number;
}

const NAME = /^(\d+)(\.compact)?$/;

/**
 * The file source's log in `sources/<i>/` (Spark's FileStreamSourceLog): `<batchId>` holds `v1`
 * and one JSON line per file admitted in that batch; every `compactInterval`-th batch is written
 * as `<batchId>.compact` holding every entry still needed, and older files are removed. Entries
 * are kept in memory once loaded: `read(start, end)` of the source replays exactly these files.
 */
export class SeenFilesLog {
  private readonly batches = new Map<number, SeenFile[]>();
  private latest = -1;

  constructor(
    private readonly store: SourceMetadataStore,
    private readonly location: string,
    private readonly compactInterval = 10,
  ) {}

  get latestBatchId(): number {
    return this.latest;
  }

  /** Load the log: the latest compaction, then the batch files after it. */
  async load(): Promise<void> {
    const names = (await this.store.list())
      .flatMap((name) => {
        const m = NAME.exec(name);
        return m ? [{ id: Number(m[1]), compact: m[2] !== undefined, name }] : [];
      })
      .sort((a, b) => a.id - b.id || Number(b.compact) - Number(a.compact));
    const compact = names.filter((n) => n.compact).at(-1);
    for (const n of names) {
      if (compact && (n.id < compact.id || (n.id === compact.id && !n.compact))) continue;
      for (const entry of await this.readEntries(n.name)) this.remember(entry);
      this.latest = Math.max(this.latest, n.id);
    }
  }

  /** Every entry in memory, oldest batch first. */
  entries(): SeenFile[] {
    return [...this.batches.keys()].sort((a, b) => a - b).flatMap((id) => this.batches.get(id)!);
  }

  /** The entries the log still holds of batches in (start, end]. */
  entriesBetween(start: number, end: number): SeenFile[] {
    return [...this.batches.keys()].filter((id) => id > start && id <= end).sort((a, b) => a - b).flatMap((id) => this.batches.get(id)!);
  }

  /** The entries of log batches in (start, end]; a batch the log no longer has is CHECKPOINT_CORRUPT. */
  range(start: number, end: number): SeenFile[] {
    const out: SeenFile[] = [];
    for (let id = start + 1; id <= end; id++) {
      const batch = this.batches.get(id);
      if (batch === undefined) {
        throw new SluiceError('CHECKPOINT_CORRUPT', `The file source log in ${this.location} has no batch ${id}, which the query needs to replay (${start}, ${end}]. The log was changed by hand or belongs to another query; restore it, or start with a new checkpointLocation.`, {
          details: { location: this.location, batchId: id },
        });
      }
      out.push(...batch);
    }
    return out;
  }

  /**
   * Append log batch `latest + 1` with `files`; on a compaction batch write every entry `keep`
   * accepts (plus the new ones) as `<id>.compact` and drop older log files.
   */
  async append(files: readonly Omit<SeenFile, 'batchId'>[], keep: (entry: SeenFile) => boolean): Promise<number> {
    const batchId = this.latest + 1;
    const entries = files.map((f) => ({ path: f.path, timestamp: f.timestamp, batchId }));
    const compact = (batchId + 1) % this.compactInterval === 0;
    if (compact) {
      for (const [id, batch] of this.batches) {
        const kept = batch.filter(keep);
        if (kept.length === 0) this.batches.delete(id);
        else this.batches.set(id, kept);
      }
    }
    const lines = compact ? [...this.entries(), ...entries] : entries;
    const name = `${batchId}${compact ? '.compact' : ''}`;
    const text = ['v1', ...lines.map((e) => JSON.stringify({ path: e.path, timestamp: e.timestamp, batchId: e.batchId }))].join('\n');
    if (!(await this.store.writeText(name, text, { ifAbsent: true }))) {
      throw new SluiceError('CHECKPOINT_LOCKED', `The file source log entry ${this.location}/${name} was written by someone else. Another query is using this checkpoint; stop all but one.`, {
        details: { location: this.location, batchId },
      });
    }
    this.batches.set(batchId, entries);
    this.latest = batchId;
    if (compact) await this.deleteBefore(batchId);
    return batchId;
  }

  private async deleteBefore(batchId: number): Promise<void> {
    for (const name of await this.store.list()) {
      const m = NAME.exec(name);
      if (m && Number(m[1]) < batchId) await this.store.remove(name).catch(() => undefined);
    }
  }

  private remember(entry: SeenFile): void {
    let batch = this.batches.get(entry.batchId);
    if (!batch) this.batches.set(entry.batchId, (batch = []));
    batch.push(entry);
  }

  private async readEntries(name: string): Promise<SeenFile[]> {
    const text = await this.store.readText(name);
    const file = `${this.location}/${name}`;
    if (text === undefined) return []; // removed by a compaction between list and read
    const lines = text.split('\n');
    if (!/^v\d+$/.test(lines[0] ?? '')) throw corrupt(file, 'its first line is not a version like "v1"');
    const batchId = NAME.exec(name)!;
    const out: SeenFile[] = [];
    for (const [i, line] of lines.slice(1).entries()) {
      if (line.trim() === '') continue;
      let entry: Partial<SeenFile>;
      try {
        entry = JSON.parse(line) as Partial<SeenFile>;
      } catch {
        throw corrupt(file, `line ${i + 2} is not JSON`);
      }
      if (typeof entry.path !== 'string' || typeof entry.timestamp !== 'number') throw corrupt(file, `line ${i + 2} is not {"path","timestamp","batchId"}`);
      out.push({ path: entry.path, timestamp: entry.timestamp, batchId: typeof entry.batchId === 'number' ? entry.batchId : Number(batchId[1]) });
    }
    return out;
  }
}

function corrupt(file: string, reason: string): SluiceError {
  return new SluiceError('CHECKPOINT_CORRUPT', `Checkpoint file ${file} is corrupt: ${reason}. Restore it from a backup, or start the query with a new checkpointLocation.`, { details: { file } });
}
