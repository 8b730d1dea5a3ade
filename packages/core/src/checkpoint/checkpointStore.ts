/**
 * Where a checkpoint lives. Paths are relative to the checkpoint root and use `/`
 * (`offsets/7`, `sources/0/0`). Two implementations: files on disk (the real one) and memory
 * (tests on virtual time, benchmarks of the engine alone).
 */
export interface CheckpointStore {
  /** Shown in messages and progress: a `file:` URI or `memory:<name>`. */
  readonly location: string;
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** The file's bytes, or undefined when it does not exist (state files are binary). */
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /** The file's size in bytes, or undefined when it does not exist. */
  size(path: string): Promise<number | undefined>;
  /**
   * Write whole-or-nothing. With `ifAbsent`, an existing file is left untouched and false is
   * returned (put-if-absent: how offsets/N and commits/N are added).
   */
  write(path: string, content: string | Uint8Array, options: WriteOptions): Promise<boolean>;
  /** Names of the entries directly in `dir` (no hidden/temp files); [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  /**
   * Optional: put a local file (a RocksDB SST) into the checkpoint whole-or-nothing, by hard
   * link where the filesystems allow. Without it, callers read the file and `write` its bytes.
   */
  putFile?(localPath: string, path: string): Promise<void>;
  /** Optional: bring a checkpoint file to a local path (hard link or copy); the reverse of `putFile`. */
  getFile?(path: string, localPath: string): Promise<void>;
  delete(path: string): Promise<void>;
  /** Take the checkpoint's `.lock`, or fail with CHECKPOINT_LOCKED. */
  lock(owner: LockOwner): Promise<CheckpointLock>;
  /** Remove the whole checkpoint (temporary checkpoints, on clean stop). */
  destroy(): Promise<void>;
}

export interface WriteOptions {
  readonly ifAbsent: boolean;
  /**
   * Default true: whole or nothing, and durable (temp file, fsync, atomic publish, directory
   * fsync). False is for an entry whose loss or tearing by a power cut is harmless — the file is
   * written in place (still put-if-absent), and a reader must treat a torn one as absent.
   */
  readonly durable?: boolean;
  /**
   * Default true: a reader never sees the file torn. False (with `durable`) is for a file that
   * nothing acts on before `write` resolves and whose reader can tell a torn one — a state
   * store's per-version delta (checksummed, read only once `commits/N` exists), the newest
   * `offsets/N` (empty or NUL-filled after a power cut during its write; see
   * `Checkpoint.writeOffsets`): it is written in place and its data and directory entry are made
   * durable together — one fsync's wait, not two in a row — before `write` resolves; a crash
   * during the write may leave it torn. With `ifAbsent` it is still put-if-absent (created
   * exclusively), and a write that fails removes it.
   */
  readonly atomic?: boolean;
}

export interface LockOwner {
  readonly queryId: string | null;
  readonly runId: string;
  readonly name: string | null;
}

export interface CheckpointLock {
  /** Release on a clean stop or failure. */
  release(): Promise<void>;
  /** Forget the lock in-process but leave its file, as a killed process would (crash simulation). */
  abandon(): void;
}
