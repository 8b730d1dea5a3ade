/**
 * Nexmark queries through Sluice, each over the one stream of all events (Flink's `datagen`
 * table, watermark `dateTime − 4 s`) and the views Flink's suite defines on it (`bid`,
 * `auction`, `person`: the events of one type, their struct's fields as columns).
 */
import { Field, Int64, makeData, RecordBatch, Schema, Struct, Table } from 'apache-arrow';
import { avg, coalesce, col, count, expr, filter, groupBy, groupByKey, join, mapBatches, max, select, sessionWindow, window, withWatermark, type GroupState, type OutputMode, type StreamFrame } from '@sluice/core';

export interface SluiceQuery {
  readonly outputMode: OutputMode;
  plan(events: StreamFrame): StreamFrame;
  /** Writer options the query needs (q4 and q6: Spark's correctness check turned off, as a Spark user must). */
  readonly options?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Winning bids leave the flatMapGroupsWithState at event-time timeouts, and Spark refuses any
 * stateful operator after one (its global-watermark correctness check) unless the check is off.
 * The operator after it here keeps no event time (a per-category average, a per-seller list), so
 * nothing is dropped as late: the user turns the check off, as in Spark.
 */
const AFTER_EVENT_TIME_TIMEOUTS = { 'spark.sql.streaming.statefulOperator.checkCorrectness.enabled': false };

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

/** Flink's `auction` view (the fields q3 and q8 read). */
export function auctions(events: StreamFrame): StreamFrame {
  const auction = col('auction');
  return events.pipe(
    filter(col('event_type').eq(1)),
    select(auction.getField('id').as('id'), auction.getField('seller').as('seller'), auction.getField('category').as('category'), col('dateTime')),
  );
}

/** Flink's `person` view (the fields q3 and q8 read), the id as `p_id` so that it does not clash with the auction's. */
export function persons(events: StreamFrame): StreamFrame {
  const person = col('person');
  return events.pipe(
    filter(col('event_type').eq(0)),
    select(person.getField('id').as('p_id'), person.getField('name').as('name'), person.getField('city').as('city'), person.getField('state').as('state'), col('dateTime').as('p_dateTime')),
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

/**
 * The winning bid of each auction (Nexmark's `WinningBids`, the first half of q4 and q6): the
 * auctions joined with the bids on `A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND
 * A.expires`, the highest price per auction, emitted once the watermark passes the auction's
 * expiry. Flink runs this as a join and a retracting aggregation; Spark's append mode cannot
 * follow a join with an unwindowed aggregation, so this is the form a Spark user writes: one
 * `flatMapGroupsWithState` keyed by auction id over auctions and bids, with an event-time
 * timeout at `expires`. A bid seen before its auction waits in the state (it may share the
 * auction's millisecond) until the watermark passes it; bids after the expiry match nothing.
 */
export const WINNING_BIDS_SCHEMA = 'id BIGINT, seller BIGINT, category BIGINT, final BIGINT, expires BIGINT';

interface AuctionState {
  /** The auction's fields, once its event was seen. */
  auction: { seller: number; category: number; start: number; expires: number } | null;
  /** The highest in-range bid price so far (auction seen), or -1. */
  max: number;
  /** Bids seen before the auction: [price, dateTime]. */
  pending: [number, number][];
}

function winningBids(events: StreamFrame): StreamFrame {
  const auction = col('auction');
  const bid = col('bid');
  return watermarked(events).pipe(
    filter(col('event_type').isin(1, 2)),
    select(
      coalesce(auction.getField('id'), bid.getField('auction')).as('aid'),
      col('event_type'),
      auction.getField('seller').as('seller'),
      auction.getField('category').as('category'),
      auction.getField('expires').as('expires'),
      bid.getField('price').as('price'),
      col('dateTime'),
    ),
    groupByKey('aid').flatMapGroupsWithState<AuctionState>({ outputMode: 'append', timeout: 'eventTime', outputSchema: WINNING_BIDS_SCHEMA }, (key, rows, state: GroupState<AuctionState>) => {
      const winner = (s: AuctionState) =>
        s.auction && s.max >= 0 ? [{ id: BigInt(key['aid'] as bigint), seller: BigInt(s.auction.seller), category: BigInt(s.auction.category), final: BigInt(s.max), expires: BigInt(s.auction.expires) }] : [];
      if (state.hasTimedOut) {
        const s = state.get();
        state.remove();
        return winner(s);
      }
      const s: AuctionState = state.getOption() ?? { auction: null, max: -1, pending: [] };
      for (const row of rows) {
        const t = Number(row['dateTime']);
        if (row['event_type'] === 1) {
          const a = { seller: Number(row['seller']), category: Number(row['category']), start: t, expires: Number(row['expires']) };
          s.auction = a;
          for (const [price, at] of s.pending) if (at >= a.start && at <= a.expires && price > s.max) s.max = price;
          s.pending = [];
        } else {
          const price = Number(row['price']);
          if (!s.auction) s.pending.push([price, t]);
          else if (t >= s.auction.start && t <= s.auction.expires && price > s.max) s.max = price;
        }
      }
      const watermark = state.getCurrentWatermarkMs();
      if (s.auction) {
        // Due already (rows came in the batch its timeout would have fired): it ends now.
        if (s.auction.expires < watermark) {
          state.remove();
          return winner(s);
        }
        state.update(s);
        state.setTimeoutTimestamp(s.auction.expires);
        return [];
      }
      // Without its auction: an auction arriving later is later than the watermark, so a bid below it can match none.
      s.pending = s.pending.filter(([, at]) => at >= watermark);
      if (s.pending.length === 0) {
        state.remove();
        return [];
      }
      state.update(s);
      state.setTimeoutTimestamp(Math.max(...s.pending.map(([, at]) => at)));
      return [];
    }),
  );
}

/** q6's second half: per seller, the average of the winning prices of its last 10 closed auctions, one row per closed auction (in expiry order). */
function lastTenAverage(closed: StreamFrame): StreamFrame {
  return closed.pipe(
    groupByKey('seller').flatMapGroupsWithState<number[]>({ outputMode: 'append', outputSchema: 'seller BIGINT, avg_price DOUBLE' }, (key, rows, state: GroupState<number[]>) => {
      const prices = state.getOption() ?? [];
      const out: Record<string, unknown>[] = [];
      const ordered = [...rows].sort((a, b) => Number(a['expires']) - Number(b['expires']) || Number(a['id']) - Number(b['id']));
      for (const row of ordered) {
        prices.push(Number(row['final']));
        if (prices.length > 10) prices.shift();
        out.push({ seller: key['seller'], avg_price: average(prices) });
      }
      state.update(prices);
      return out;
    }),
  );
}

/** The mean, summed in order (the hand loop sums the same way). */
export function average(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export const SLUICE_QUERIES: Record<string, SluiceQuery> = {
  /** Pass-through: every bid. */
  q0: { outputMode: 'append', plan: (events) => bids(events) },
  /** Currency conversion: prices × 0.908 (DECIMAL, as Spark types `0.908 * price`). */
  q1: { outputMode: 'append', plan: (events) => bids(events).pipe(select(col('auction'), col('bidder'), expr('0.908 * price').as('price'), col('dateTime'), col('extra'))) },
  /** Selection: bids on every 123rd auction. */
  q2: { outputMode: 'append', plan: (events) => bids(events).pipe(filter(expr('auction % 123 = 0')), select('auction', 'price')) },
  /** Local item suggestion: sellers in OR, ID or CA of auctions in category 10 (a stream–stream inner join; its state grows, as Flink's). */
  q3: {
    outputMode: 'append',
    plan: (events) =>
      auctions(events).pipe(
        filter(col('category').eq(10)),
        join(persons(events).pipe(filter(col('state').isin('OR', 'ID', 'CA'))), expr('seller = p_id')),
        select('name', 'city', 'state', 'id'),
      ),
  },
  /** Average price for a category: the running average of the winning bids' prices per category (update mode: each batch, the categories whose average moved). */
  q4: { outputMode: 'update', options: AFTER_EVENT_TIME_TIMEOUTS, plan: (events) => winningBids(events).pipe(groupBy('category').agg(avg('final').as('avg_final'))) },
  /** Hot items: per 10 s window sliding by 2 s, the auctions with the most bids. */
  q5: {
    outputMode: 'append',
    plan: (events) =>
      bids(watermarked(events)).pipe(
        groupBy(window('dateTime', '10 seconds', '2 seconds'), 'auction').agg(count().as('num')),
        mapBatches((table) => hottestPerWindow(table), HOT_ITEMS_SCHEMA),
      ),
  },
  /** Average selling price by seller: per seller, the average winning price of its last 10 closed auctions, at each close. */
  q6: { outputMode: 'append', options: AFTER_EVENT_TIME_TIMEOUTS, plan: (events) => lastTenAverage(winningBids(events)) },
  /** Highest bid: the bids at each 10 s tumbling window's highest price (the window's maximum, joined back to the bids by price and time range). */
  q7: {
    outputMode: 'append',
    plan: (events) => {
      const all = bids(watermarked(events));
      const maxima = all.pipe(groupBy(window('dateTime', '10 seconds')).agg(max('price').as('maxprice')), select(col('maxprice'), col('window').getField('end').as('w_end')));
      return all.pipe(join(maxima, expr("price = maxprice AND dateTime BETWEEN w_end - interval 10 seconds AND w_end")), select('auction', 'price', 'bidder', 'dateTime', 'extra'));
    },
  },
  /** New users: people who registered and opened an auction in the same 10 s window (two windowed aggregations, joined on the window). */
  q8: {
    outputMode: 'append',
    plan: (events) => {
      const people = persons(watermarked(events)).pipe(groupBy(window('p_dateTime', '10 seconds'), col('p_id').as('id'), 'name').agg(count().as('registrations')));
      const sellers = auctions(watermarked(events)).pipe(groupBy(window('dateTime', '10 seconds'), col('seller').as('id')).agg(count().as('auctions')));
      return people.pipe(join(sellers, ['id', 'window']), select(col('id'), col('name'), col('window').getField('start').as('starttime')));
    },
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
