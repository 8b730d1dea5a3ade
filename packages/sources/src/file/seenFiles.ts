import { basename } from 'node:path';

/**
 * Spark's SeenFilesMap: the files already admitted, by path (or by name with `fileNameOnly`), and
 * the age rule — a file older than the newest seen one by more than `maxFileAge` is never new.
 * Forgetting such old entries is what keeps the map (and the compacted log) bounded.
 */
export class SeenFiles {
  private readonly seen = new Map<string, number>();
  private latestTimestamp = 0;
  private oldest = -Infinity;

  constructor(
    private readonly maxFileAgeMs: number,
    private readonly fileNameOnly: boolean,
  ) {}

  /** Files older than this are ignored; -Infinity until the first purge (Spark: the first batch accepts all). */
  get threshold(): number {
    return this.oldest;
  }

  /** How many files are remembered (Spark's SeenFilesMap.size). */
  get size(): number {
    return this.seen.size;
  }

  key(uri: string): string {
    return this.fileNameOnly ? basename(uri) : uri;
  }

  add(uri: string, timestamp: number): void {
    this.seen.set(this.key(uri), timestamp);
    this.latestTimestamp = Math.max(this.latestTimestamp, timestamp);
  }

  isNew(uri: string, timestamp: number): boolean {
    return timestamp >= this.oldest && !this.seen.has(this.key(uri));
  }

  /** Forget files older than the newest by more than maxFileAge (a no-op when the age rule is off). */
  purge(): void {
    if (!Number.isFinite(this.maxFileAgeMs)) return;
    this.oldest = this.latestTimestamp - this.maxFileAgeMs;
    for (const [key, timestamp] of this.seen) if (timestamp < this.oldest) this.seen.delete(key);
  }
}
