/**
 * Nexmark queries through Sluice, each over the one stream of all events (Flink's `datagen`
 * table, watermark `dateTime − 4 s`) and the views Flink's suite defines on it (`bid`,
 * `auction`, `person`: the events of one type, their struct's fields as columns).
 */
import { Field, Int64, makeData, RecordBatch, Schema, Struct, Table } from 'apache-arrow';
import { col, count, expr, filter, groupBy, mapBatches, select, sessionWindow, window, withWatermark, type OutputMode, type StreamFrame } from '@sluice/core';

export interface SluiceQuery {
  readonly outputMode: OutputMode;
  plan(events: StreamFrame): StreamFrame;
}

/** The events with Flink's watermark: `dateTime − 4 s`. */
function watermarked(events: StreamFrame): StreamFrame {
  return events.pipe(withWatermark('dateTime', '4 seconds'));
}

/** Flink's `bid` view: the bids, their fields as columns. */
export function bids(events: StreamFrame): StreamFrame {
  const bid = col('bid');
  return events.pipe(
    filter(col('event_type').eq(2)),
    select(bid.getField('auction').as('auction'), bid.getField('bidder').as('bidder'), bid.getField('price').as('price'), col('dateTime'), bid.getField('extra').as('extra')),
  );
}

const HOT_ITEMS_SCHEMA = new Schema([new Field('auction', new Int64(), true), new Field('num', new Int64(), false)]);

/**
 * q5's second half: of each sliding window's counts, the auctions with the most bids. A window's
 * groups leave the aggregation together (append mode emits a window once the watermark passes
 * its end), so the maximum over one batch's rows of a window is the window's maximum.
 */
function hottestPerWindow(table: Table): Table {
  const windows = table.getChild('window')!;
  const starts = windows.getChildAt(0)!;
  const auctions = table.getChild('auction')!;
  const nums = table.getChild('num')!;
  const max = new Map<number, bigint>();
  for (let i = 0; i < table.numRows; i++) {
    const start = Number(starts.get(i));
    const num = nums.get(i) as bigint;
    const best = max.get(start);
    if (best === undefined || num > best) max.set(start, num);
  }
  const auction: bigint[] = [];
  const num: bigint[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const n = nums.get(i) as bigint;
    if (n >= max.get(Number(starts.get(i)))!) {
      auction.push(auctions.get(i) as bigint);
      num.push(n);
    }
  }
  const length = auction.length;
  const children = [BigInt64Array.from(auction), BigInt64Array.from(num)].map((data) => makeData({ type: new Int64(), length, data }));
  return new Table([new RecordBatch(HOT_ITEMS_SCHEMA, makeData({ type: new Struct(HOT_ITEMS_SCHEMA.fields), length, nullCount: 0, children }))]);
}

export const SLUICE_QUERIES: Record<string, SluiceQuery> = {
  /** Pass-through: every bid. */
  q0: { outputMode: 'append', plan: (events) => bids(events) },
  /** Currency conversion: prices × 0.908 (DECIMAL, as Spark types `0.908 * price`). */
  q1: { outputMode: 'append', plan: (events) => bids(events).pipe(select(col('auction'), col('bidder'), expr('0.908 * price').as('price'), col('dateTime'), col('extra'))) },
  /** Selection: bids on every 123rd auction. */
  q2: { outputMode: 'append', plan: (events) => bids(events).pipe(filter(expr('auction % 123 = 0')), select('auction', 'price')) },
  /** Hot items: per 10 s window sliding by 2 s, the auctions with the most bids. */
  q5: {
    outputMode: 'append',
    plan: (events) =>
      bids(watermarked(events)).pipe(
        groupBy(window('dateTime', '10 seconds', '2 seconds'), 'auction').agg(count().as('num')),
        mapBatches((table) => hottestPerWindow(table), HOT_ITEMS_SCHEMA),
      ),
  },
  /** User sessions: bids per bidder per session (10 s gap). */
  q11: {
    outputMode: 'append',
    plan: (events) =>
      bids(watermarked(events)).pipe(
        groupBy(sessionWindow('dateTime', '10 seconds'), 'bidder').agg(count().as('bid_count')),
        select(col('bidder'), col('bid_count'), col('session_window').getField('start').as('starttime'), col('session_window').getField('end').as('endtime')),
      ),
  },
};
