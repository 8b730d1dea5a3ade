/**
 * The rule that keeps half-written files out: a file is read only once its size and modification
 * time have stayed the same for `settleMs` of the query's clock — seen unchanged by listings that
 * far apart. Writers that publish by rename (write `.x.tmp`, rename to `x`; Spark's rule) are
 * never caught half-way; this also covers writers that write in place without long pauses.
 */
export class FileStability {
  private readonly observed = new Map<string, { size: number; mtime: number; since: number }>();

  constructor(private readonly settleMs: number) {}

  /** Record what a listing saw; true when the file has settled. */
  check(path: string, size: number, mtime: number, now: number): boolean {
    if (this.settleMs <= 0) return true;
    const seen = this.observed.get(path);
    if (seen === undefined || seen.size !== size || seen.mtime !== mtime) {
      this.observed.set(path, { size, mtime, since: now });
      return false;
    }
    return now - seen.since >= this.settleMs;
  }

  /** When the earliest unsettled file may have settled, or undefined when none is waiting. */
  nextSettleAt(): number | undefined {
    let earliest: number | undefined;
    for (const { since } of this.observed.values()) earliest = Math.min(earliest ?? Infinity, since + this.settleMs);
    return earliest;
  }

  /** How many listed files have not stayed unchanged for the settle time by `now`. */
  unsettled(now: number): number {
    let n = 0;
    for (const { since } of this.observed.values()) if (now - since < this.settleMs) n++;
    return n;
  }

  /** When the earliest file not yet settled by `now` may have settled (undefined when none). */
  nextUnsettledAt(now: number): number | undefined {
    let earliest: number | undefined;
    for (const { since } of this.observed.values()) if (since + this.settleMs > now) earliest = Math.min(earliest ?? Infinity, since + this.settleMs);
    return earliest;
  }

  /** Forget a file (admitted, or gone from the listing). */
  forget(path: string): void {
    this.observed.delete(path);
  }

  /** Forget files the latest listing no longer shows. */
  retainOnly(paths: ReadonlySet<string>): void {
    for (const path of this.observed.keys()) if (!paths.has(path)) this.observed.delete(path);
  }

  get waiting(): number {
    return this.observed.size;
  }
}
