import { RecordColumns } from './recordColumns.ts';
import type { KafkaHeader } from './types.ts';

export interface OffsetGap {
  readonly from: number;
  readonly until: number;
}

/** Room to reserve for a fetched record set (`beginBatch`): its records and key and value bytes, at most. */
export interface BatchSize {
  readonly records: number;
  readonly bytes: number;
}

/**
 * The records of one partition fetched ahead of reads. It covers `[from, position)` exactly:
 * every offset in that span is either a buffered record or inside a recorded gap (an offset
 * span the broker returned no record for). Fetched record sets are offered in order, in three
 * steps (`beginBatch`, `appendRange` per record, `endBatch`) so records go straight from the
 * response bytes into the columns. Each record set gets columns of its own, sized for it, and
 * reads take them as views: nothing is copied again or grown, and a record set's columns are
 * dropped once read.
 */
export class PartitionBuffer {
  /** Columns of record sets, oldest first; rows of the first before `head` are taken. */
  private segments: RecordColumns[] = [];
  private head = 0;
  private open: RecordColumns | null = null;
  private reserve: BatchSize = { records: 0, bytes: 0 };
  private records = 0;
  private bytes = 0;
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
    return this.records;
  }

  /** Key and value bytes buffered ahead of reads. */
  get bufferedBytes(): number {
    return this.bytes;
  }

  /** Forget everything and cover nothing from `offset` on (after a seek). */
  reset(offset: number): void {
    this.segments = [];
    this.head = 0;
    this.open = null;
    this.records = 0;
    this.bytes = 0;
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
   * accounts for (control records and aborted transactions included); `size`, what it holds at
   * most (columns are reserved for it; more still fits). Returns whether it is taken; if so,
   * `appendRange` its data records in offset order (those before `position` are ignored) and
   * call `endBatch`. A set starting past `position` leaves a gap before it.
   */
  beginBatch(first: number, last: number, size?: BatchSize): boolean {
    if (last < this.next) return false;
    if (first > this.next) this.gaps.push({ from: this.next, until: first });
    this.batchEnd = last;
    this.open = null;
    this.reserve = size ?? { records: Math.min(1024, last + 1 - Math.max(first, this.next)), bytes: 1 << 16 };
    return true;
  }

  /** One record, its key and value byte ranges of `src` (see RecordTarget); -1 lengths are nulls. */
  appendRange(
    offset: number, src: Uint8Array, keyStart: number, keyLength: number, valueStart: number, valueLength: number,
    timestamp: number, timestampType: number, headers: readonly KafkaHeader[] | null,
  ): void {
    if (offset < this.next) return;
    let open = this.open;
    if (open === null) {
      open = this.open = RecordColumns.sized(this.reserve.records, this.reserve.bytes, this.withHeaders);
      this.segments.push(open);
    }
    open.pushRange(offset, src, keyStart, keyLength, valueStart, valueLength, timestamp, timestampType, headers);
    this.records++;
    this.bytes += (keyLength > 0 ? keyLength : 0) + (valueLength > 0 ? valueLength : 0);
  }

  endBatch(): void {
    this.open = null;
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
    this.drop(offset);
    this.gaps = this.gaps.filter((g) => g.until > offset).map((g) => (g.from < offset ? { from: offset, until: g.until } : g));
    this.start = Math.min(offset, this.next);
  }

  /** Remove and return the records (as views of the columns they were decoded into, in offset order) and gaps below `until` that are buffered now. */
  take(until: number): { chunks: RecordColumns[]; gaps: OffsetGap[] } {
    const chunks = this.drop(until);
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
    return { chunks, gaps };
  }

  /** Remove the rows below `until`; returns them as views. */
  private drop(until: number): RecordColumns[] {
    const taken: RecordColumns[] = [];
    while (this.segments.length > 0) {
      const segment = this.segments[0]!;
      const end = firstAtOrAfter(segment.offsets, this.head, until);
      if (end > this.head) {
        taken.push(segment.slice(this.head, end));
        this.records -= end - this.head;
        this.bytes -= segment.keys.bytesFrom(this.head) - segment.keys.bytesFrom(end) + segment.values.bytesFrom(this.head) - segment.values.bytesFrom(end);
      }
      if (end < segment.length || segment === this.open) {
        this.head = end;
        break;
      }
      this.segments.shift();
      this.head = 0;
    }
    return taken;
  }
}

/** The first index from `from` on whose offset is `until` or more (offsets ascend). */
function firstAtOrAfter(offsets: Float64Array, from: number, until: number): number {
  let lo = from;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid]! < until) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
