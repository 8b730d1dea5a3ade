import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { Subject, type Observable } from 'rxjs';
import type { Logger } from '@sluice/core';

export interface WatchOptions {
  /** How many levels of subdirectories are watched too (0: the directory's own entries only). */
  readonly depth: number;
  /** Which paths are worth a wake-up; by default every one. */
  readonly accept?: (path: string) => boolean;
}

/**
 * Watches a source's directory with chokidar (inotify/FSEvents, no polling) and emits whenever an
 * accepted file or directory appears, changes or goes. It only wakes the source: what is new is
 * always decided by listing, so a missed or duplicated event changes nothing but latency.
 */
export class DirectoryWatcher {
  private readonly changes = new Subject<void>();
  private watcher: FSWatcher | undefined;
  private warned = false;
  private starting: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly directory: string,
    private readonly log: Logger,
    private readonly options: WatchOptions,
  ) {}

  get changes$(): Observable<void> {
    return this.changes.asObservable();
  }

  /**
   * Start watching; resolves once chokidar has scanned the tree, so later arrivals are events. A
   * directory that does not exist yet cannot be watched (chokidar reports nothing for it): the
   * file source's periodic re-list finds it, and calls this again.
   */
  start(): Promise<void> {
    this.starting ??= this.tryStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async tryStart(): Promise<void> {
    if (this.watcher !== undefined || this.stopped) return;
    const exists = await stat(this.directory).then((s) => s.isDirectory(), () => false);
    if (this.stopped) return; // stopped while looking: a watcher made now would never be closed
    if (!exists) {
      if (!this.warned) this.log.warn(`${this.directory} does not exist yet; it is looked for every relistInterval, and watched once it appears.`);
      this.warned = true;
      return;
    }
    const watcher = watch(this.directory, {
      ignoreInitial: true,
      depth: this.options.depth,
      // Writers' temp files (".x.tmp") come and go on every rename: only their final names matter.
      ignored: (path: string) => basename(path).startsWith('.') && path !== this.directory,
    });
    this.watcher = watcher;
    const { accept = () => true } = this.options;
    const emit = (path: string) => {
      if (accept(path)) this.changes.next();
    };
    watcher.on('add', emit).on('change', emit).on('addDir', emit).on('unlink', emit).on('unlinkDir', emit);
    watcher.on('error', (error) => this.log.warn(`Watching ${this.directory} failed (${String(error)}); new data is still found, by polling.`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watcher?.close();
    this.changes.complete();
  }
}
