import { nodeFileSystem, type FileSystem, type SyncFileOps } from '@sluice/core/connector';

/** A file-system operation `faultyFileSystem` can fail. */
export type FileOperation = 'write' | 'fsync' | 'rename' | 'link' | 'unlink' | 'mkdir' | 'read' | 'open';

/** One injected file-system failure: which operation, on which path, with which errno code. */
export interface FileFault {
  readonly operation: FileOperation;
  /** Only paths containing this text (e.g. 'offsets/3', 'commits/'); default: any. */
  readonly path?: string;
  readonly code?: 'EIO' | 'ENOSPC' | 'EACCES' | 'EROFS';
  /** Fail the n-th matching call (1-based, default 1) … */
  readonly occurrence?: number;
  /** … and this many calls from there (default 1; Infinity = until `heal()`). */
  readonly times?: number;
}

export interface FaultyFileSystem extends FileSystem {
  /** Calls that were failed so far, as `operation path`. */
  readonly failures: readonly string[];
  /** Stop failing. */
  heal(): void;
}

/**
 * A filesystem that fails chosen operations with a real errno error (EIO, ENOSPC …), for
 * proving that a checkpoint or a file sink stays whole when the disk misbehaves. Pass it to
 * `new FileCheckpointStore(path, fs)`.
 *
 * @example
 * const fs = faultyFileSystem([{ operation: 'fsync', path: 'offsets/1', code: 'EIO' }]);
 * writer.option('checkpointLocation', new FileCheckpointStore(dir, fs))
 */
export function faultyFileSystem(faults: readonly FileFault[], base: FileSystem = nodeFileSystem): FaultyFileSystem {
  const counts = faults.map(() => 0);
  const failures: string[] = [];
  let healed = false;

  const check = (operation: FileOperation, path: unknown): void => {
    if (healed) return;
    // The temp file of a whole-or-nothing write (`.7.<uuid>.tmp`) counts as the file it becomes (`7`).
    const text = String(path).replace(/\/\.([^/]+)\.[0-9a-f-]{36}\.tmp$/, '/$1');
    faults.forEach((fault, i) => {
      if (fault.operation !== operation || (fault.path !== undefined && !text.includes(fault.path))) return;
      const n = ++counts[i]!;
      const first = fault.occurrence ?? 1;
      if (n >= first && n < first + (fault.times ?? 1)) {
        failures.push(`${operation} ${text}`);
        const code = fault.code ?? 'EIO';
        throw Object.assign(new Error(`${code}: simulated ${operation} failure, ${text}`), { code, errno: -5, syscall: operation, path: text });
      }
    });
  };

  const fs: FaultyFileSystem = {
    failures,
    heal: () => void (healed = true),
    open: (async (path: string, flags?: string | number, mode?: number) => {
      check('open', path);
      const handle = await base.open(path, flags as never, mode);
      return new Proxy(handle, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (property === 'writeFile' || property === 'write') return async (...args: unknown[]) => (check('write', path), (value as (...a: unknown[]) => unknown).apply(target, args));
          if (property === 'sync' || property === 'datasync') return async () => (check('fsync', path), (value as () => unknown).call(target));
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    }) as FileSystem['open'],
    link: (async (from: string, to: string) => (check('link', to), base.link(from, to))) as FileSystem['link'],
    rename: (async (from: string, to: string) => (check('rename', to), base.rename(from, to))) as FileSystem['rename'],
    unlink: (async (path: string) => (check('unlink', path), base.unlink(path))) as FileSystem['unlink'],
    readFile: (async (path: string, options?: unknown) => (check('read', path), base.readFile(path, options as never))) as FileSystem['readFile'],
    readdir: base.readdir,
    mkdir: (async (path: string, options?: unknown) => (check('mkdir', path), base.mkdir(path, options as never))) as FileSystem['mkdir'],
    rm: base.rm,
    stat: base.stat,
    ...(base.sync ? { sync: faultySyncOps(base.sync, check) } : {}),
  };
  return fs;
}

/** The fast path's calls, failing the same way; a descriptor is matched by the path it was opened with. */
function faultySyncOps(base: SyncFileOps, check: (operation: FileOperation, path: unknown) => void): SyncFileOps {
  const paths = new Map<number, string>();
  return {
    openSync: (path, flags, mode) => {
      check('open', path);
      const fd = base.openSync(path, flags, mode);
      paths.set(fd, path);
      return fd;
    },
    writeSync: (fd, buffer, offset, length) => (check('write', paths.get(fd)), base.writeSync(fd, buffer, offset, length)),
    closeSync: (fd) => {
      paths.delete(fd);
      base.closeSync(fd);
    },
    linkSync: (existing, path) => (check('link', path), base.linkSync(existing, path)),
    renameSync: (from, to) => (check('rename', to), base.renameSync(from, to)),
    unlinkSync: (path) => (check('unlink', path), base.unlinkSync(path)),
    fsync: async (fd) => (check('fsync', paths.get(fd)), base.fsync(fd)),
  };
}
