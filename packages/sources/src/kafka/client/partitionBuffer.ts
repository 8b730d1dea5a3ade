import type { KafkaRecord } from './types.ts';

export interface OffsetGap {
  readonly from: number;
  readonly until: number;
}

/**
 * The records of one partition fetched ahead of reads. It covers `[from, position)` exactly:
 * every offset in that span is either a buffered record or inside a recorded gap (an offset
 * span the broker returned no record for). Fetched batches are offered in order; a batch that
 * starts past `position` opens a gap only when the caller knows the batch continues this
 * buffer's fetch position (`mayOpenGap`), since a batch from before a seek would otherwise
 * make the buffer skip offsets it never read.
 */
export class PartitionBuffer {
  private records: KafkaRecord[] = [];
  private head = 0;
  private gaps: OffsetGap[] = [];
  private start: number;
  private next: number;

  constructor(offset: number) {
    this.start = offset;
    this.next = offset;
  }

  /** The first offset covered. */
  get from(): number {
    return this.start;
  }

  /** The next offset the fetcher must deliver: everything before it is covered. */
  get position(): number {
    return this.next;
  }

  get bufferedRecords(): number {
    return this.records.length - this.head;
  }

  /** Forget everything and cover nothing from `offset` on (after a seek). */
  reset(offset: number): void {
    this.records = [];
    this.head = 0;
    this.gaps = [];
    this.start = offset;
    this.next = offset;
  }

  /** Whether a read starting at `offset` can continue from what is buffered, without a seek. */
  covers(offset: number): boolean {
    return offset >= this.start && offset <= this.next;
  }

  /**
   * Offer a fetched batch: `first`/`last` are the first and last offsets the broker returned
   * (control records and filtered messages included; `first` null when none was at or after
   * the fetch offset), `records` the data records among them in offset order. Returns whether
   * the buffer advanced.
   */
  offer(first: number | null, last: number, records: readonly KafkaRecord[], mayOpenGap: boolean): boolean {
    if (last < this.next) return false;
    const begin = first ?? last;
    if (begin > this.next) {
      if (!mayOpenGap) return false;
      this.gaps.push({ from: this.next, until: begin });
    }
    for (const record of records) if (record.offset >= this.next) this.records.push(record);
    this.next = last + 1;
    return true;
  }

  /** Drop what lies before `offset` (a read starts there). */
  skipTo(offset: number): void {
    if (offset <= this.start) return;
    while (this.head < this.records.length && this.records[this.head]!.offset < offset) this.head++;
    this.gaps = this.gaps.filter((g) => g.until > offset).map((g) => (g.from < offset ? { from: offset, until: g.until } : g));
    this.start = Math.min(offset, this.next);
    this.compact();
  }

  /** Remove and return the records and gaps below `until` that are buffered now. */
  take(until: number): { records: KafkaRecord[]; gaps: OffsetGap[] } {
    let end = this.head;
    while (end < this.records.length && this.records[end]!.offset < until) end++;
    const records = this.records.slice(this.head, end);
    this.head = end;
    const gaps: OffsetGap[] = [];
    const kept: OffsetGap[] = [];
    for (const gap of this.gaps) {
      if (gap.from >= until) kept.push(gap);
      else {
        gaps.push({ from: gap.from, until: Math.min(gap.until, until) });
        if (gap.until > until) kept.push({ from: until, until: gap.until });
      }
    }
    this.gaps = kept;
    this.start = Math.max(this.start, Math.min(until, this.next));
    this.compact();
    return { records, gaps };
  }

  private compact(): void {
    // Shift the array only now and then: slicing on every take would be quadratic.
    if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
}
