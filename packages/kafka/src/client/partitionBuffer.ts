import { RecordColumns } from './recordColumns.ts';
import type { KafkaHeader } from './types.ts';

export interface OffsetGap {
  readonly from: number;
  readonly until: number;
}

/**
 * The records of one partition fetched ahead of reads. It covers `[from, position)` exactly:
 * every offset in that span is either a buffered record or inside a recorded gap (an offset
 * span the broker returned no record for). Fetched record sets are offered in order, in three
 * steps (`beginBatch`, `appendRange` per record, `endBatch`) so records go straight from the
 * response bytes into the columns.
 */
export class PartitionBuffer {
  private columns: RecordColumns;
  private head = 0;
  private gaps: OffsetGap[] = [];
  private start: number;
  private next: number;
  private batchEnd = -1;

  constructor(
    offset: number,
    private readonly withHeaders = false,
  ) {
    this.start = offset;
    this.next = offset;
    this.columns = this.emptyColumns();
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
    return this.columns.length - this.head;
  }

  /** Key and value bytes buffered ahead of reads. */
  get bufferedBytes(): number {
    return this.columns.keys.bytesFrom(this.head) + this.columns.values.bytesFrom(this.head);
  }

  /** Forget everything and cover nothing from `offset` on (after a seek). */
  reset(offset: number): void {
    this.columns = this.emptyColumns();
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
   * Start offering a fetched record set: `first`/`last` are the first and last offsets it
   * accounts for (control records and aborted transactions included). Returns whether it is
   * taken; if so, `appendRange` its data records in offset order (those before `position` are
   * ignored) and call `endBatch`. A set starting past `position` leaves a gap before it.
   */
  beginBatch(first: number, last: number): boolean {
    if (last < this.next) return false;
    if (first > this.next) this.gaps.push({ from: this.next, until: first });
    this.batchEnd = last;
    return true;
  }

  /** One record, its key and value byte ranges of `src` (see RecordTarget); -1 lengths are nulls. */
  appendRange(
    offset: number, src: Uint8Array, keyStart: number, keyLength: number, valueStart: number, valueLength: number,
    timestamp: number, timestampType: number, headers: readonly KafkaHeader[] | null,
  ): void {
    if (offset >= this.next) this.columns.pushRange(offset, src, keyStart, keyLength, valueStart, valueLength, timestamp, timestampType, headers);
  }

  endBatch(): void {
    this.next = this.batchEnd + 1;
  }

  /** Cover `[position, until)` as a gap: the broker has no records there (see the reader's out-of-range handling). */
  skipGap(until: number): void {
    if (until <= this.next) return;
    this.gaps.push({ from: this.next, until });
    this.next = until;
  }

  /** Drop what lies before `offset` (a read starts there). */
  skipTo(offset: number): void {
    if (offset <= this.start) return;
    const offsets = this.columns.offsets;
    while (this.head < offsets.length && offsets[this.head]! < offset) this.head++;
    this.gaps = this.gaps.filter((g) => g.until > offset).map((g) => (g.from < offset ? { from: offset, until: g.until } : g));
    this.start = Math.min(offset, this.next);
    this.compact();
  }

  /** Remove and return the records and gaps below `until` that are buffered now. */
  take(until: number): { records: RecordColumns; gaps: OffsetGap[] } {
    const offsets = this.columns.offsets;
    let end = this.head;
    while (end < offsets.length && offsets[end]! < until) end++;
    const records = this.columns.slice(this.head, end);
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
    // Drop taken rows only now and then: slicing on every take would be quadratic, and fresh
    // columns on every drained take (a live query drains its buffers a hundred times a second)
    // would allocate and zero their arrays as often. Appending on after taken rows is safe:
    // what was taken are views of rows that are never overwritten.
    if (this.head === this.columns.length && this.head > 4096) {
      this.columns = this.emptyColumns();
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.columns.length) {
      this.columns = this.columns.compactFrom(this.head);
      this.head = 0;
    }
  }

  private emptyColumns(): RecordColumns {
    return this.withHeaders ? RecordColumns.withHeaders() : new RecordColumns();
  }
}
