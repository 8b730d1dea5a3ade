import { closeSync, fsync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { promisify } from 'node:util';

/**
 * Synchronous metadata calls plus an async fsync: the checkpoint's hot path. Creating, linking
 * and closing a file of a few hundred bytes takes microseconds, while each async call costs a
 * thread-pool round trip that on a small machine is as long as the fsync itself; only the
 * fsyncs (the slow, blocking part) leave the event loop.
 */
export interface SyncFileOps {
  openSync(path: string, flags: number, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  closeSync(fd: number): void;
  linkSync(existing: string, path: string): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  fsync(fd: number): Promise<void>;
}

/**
 * The file operations the checkpoint and the file sinks need. It is an interface so that
 * fault-injection tests can fail a chosen write, rename or fsync (EIO, ENOSPC) and prove that
 * what is written stays whole when the disk misbehaves. `sync` is the fast path (used when given).
 */
export type FileSystem = Pick<typeof nodeFs, 'open' | 'link' | 'rename' | 'unlink' | 'readFile' | 'readdir' | 'mkdir' | 'rm' | 'stat'> & {
  readonly sync?: SyncFileOps;
};

const fsyncAsync = promisify(fsync);

/** The real file system (node:fs) behind `FileSystem`; tests substitute a faulty one. */
export const nodeFileSystem: FileSystem = {
  open: nodeFs.open,
  link: nodeFs.link,
  rename: nodeFs.rename,
  unlink: nodeFs.unlink,
  readFile: nodeFs.readFile,
  readdir: nodeFs.readdir,
  mkdir: nodeFs.mkdir,
  rm: nodeFs.rm,
  stat: nodeFs.stat,
  sync: {
    openSync: (path, flags, mode) => openSync(path, flags, mode),
    writeSync: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
    closeSync,
    linkSync,
    renameSync,
    unlinkSync,
    fsync: (fd) => fsyncAsync(fd),
  },
};
