import { basename } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { Subject, type Observable } from 'rxjs';
import type { Logger } from '@sluice/core';

/**
 * Watches the input directory with chokidar (inotify/FSEvents, no polling) and emits whenever a
 * file or directory appears, changes or goes. It only wakes the source: what is new is always
 * decided by listing, so a missed or duplicated event changes nothing but latency.
 */
export class DirectoryWatcher {
  private readonly changes = new Subject<void>();
  private watcher: FSWatcher | undefined;

  constructor(
    private readonly directory: string,
    private readonly depth: number,
    private readonly log: Logger,
  ) {}

  get changes$(): Observable<void> {
    return this.changes.asObservable();
  }

  /** Start watching; resolves once chokidar has scanned the tree, so later arrivals are events. */
  async start(): Promise<void> {
    const watcher = watch(this.directory, {
      ignoreInitial: true,
      depth: this.depth,
      // Writers' temp files (".x.tmp") come and go on every rename: only their final names matter.
      ignored: (path: string) => basename(path).startsWith('.') && path !== this.directory,
    });
    this.watcher = watcher;
    const emit = () => this.changes.next();
    watcher.on('add', emit).on('change', emit).on('addDir', emit).on('unlink', emit).on('unlinkDir', emit);
    watcher.on('error', (error) => this.log.warn(`Watching ${this.directory} failed (${String(error)}); new files are still found by the periodic re-list.`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    this.changes.complete();
  }
}
