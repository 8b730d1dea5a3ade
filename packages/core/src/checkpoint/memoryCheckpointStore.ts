import { SluiceError } from '../errors.ts';
import type { CheckpointLock, CheckpointStore, LockOwner, WriteOptions } from './checkpointStore.ts';

/**
 * A checkpoint held in memory: every write is atomic by construction. It survives query
 * restarts within the process (the store object is the "disk"), which is what crash/restart
 * tests on virtual time need.
 *
 * @example
 * const checkpoint = memoryCheckpoint('my-test');
 * stream.writeStream().format('memory').option('checkpointLocation', checkpoint)
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly location: string;
  private readonly files = new Map<string, string | Uint8Array>();
  private holder: LockOwner | null = null;
  private abandoned = false;

  constructor(name = 'checkpoint') {
    this.location = `memory:${name}`;
  }

  async read(path: string): Promise<string | undefined> {
    const content = this.files.get(path);
    return typeof content === 'string' || content === undefined ? content : Buffer.from(content).toString('utf8');
  }

  async readBytes(path: string): Promise<Uint8Array | undefined> {
    const content = this.files.get(path);
    return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  }

  async size(path: string): Promise<number | undefined> {
    const content = this.files.get(path);
    return typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content?.length;
  }

  async write(path: string, content: string | Uint8Array, options: WriteOptions): Promise<boolean> {
    if (options.ifAbsent && this.files.has(path)) return false;
    // A copy: the caller may reuse its buffer, and a disk would not see later changes either.
    this.files.set(path, typeof content === 'string' ? content : content.slice());
    return true;
  }

  async list(dir: string): Promise<string[]> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const names = new Set<string>();
    for (const path of this.files.keys()) {
      if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split('/')[0]!);
    }
    return [...names];
  }

  /** Delete a file, or a directory with everything under it (as the file store does). */
  async delete(path: string): Promise<void> {
    this.files.delete(path);
    const prefix = `${path}/`;
    for (const key of [...this.files.keys()]) if (key.startsWith(prefix)) this.files.delete(key);
  }

  async lock(owner: LockOwner): Promise<CheckpointLock> {
    if (this.holder && !this.abandoned) {
      throw new SluiceError(
        'CHECKPOINT_LOCKED',
        `Checkpoint ${this.location} is in use by run ${this.holder.runId}${this.holder.name ? ` of query '${this.holder.name}'` : ''}. Stop that query first, or give this one its own checkpointLocation.`,
        { details: { location: this.location } },
      );
    }
    this.holder = owner;
    this.abandoned = false;
    return {
      release: async () => {
        if (this.holder === owner) this.holder = null;
      },
      abandon: () => {
        if (this.holder === owner) this.abandoned = true;
      },
    };
  }

  async destroy(): Promise<void> {
    this.files.clear();
  }

  /** Test access: the raw files, e.g. to corrupt one on purpose. */
  snapshot(): ReadonlyMap<string, string | Uint8Array> {
    return new Map(this.files);
  }

  /** Test access: replace a file's bytes without any of the write protocol. */
  overwriteRaw(path: string, content: string | Uint8Array): void {
    this.files.set(path, content);
  }
}

export function memoryCheckpoint(name?: string): MemoryCheckpointStore {
  return new MemoryCheckpointStore(name);
}
