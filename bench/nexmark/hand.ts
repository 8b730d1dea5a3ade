/**
 * The same queries as hand-written JS loops over the same generated events (the baseline of
 * `pnpm bench nexmark`): plain typed arrays and Maps, no engine. Each takes the events batch by
 * batch, as the Sluice query does, and produces the same output rows; `rows()` renders them as
 * the check compares them.
 */
import { AUCTION, BID, PERSON, type EventColumns, type StringColumn } from './generator.ts';

export interface HandQuery {
  batch(events: EventColumns): void;
  /** The last batch was read: what the final no-data batch of the Sluice query does. */
  finish(): void;
  readonly outputRows: number;
  /** The output as plain rows (JSON-able; 64-bit integers as strings), for the check. */
  rows(): Record<string, unknown>[];
}

const WATERMARK_DELAY_MS = 4_000;

/** Row indices of the bids in a batch. */
function bidRows(events: EventColumns): Int32Array {
  const out = new Int32Array(events.length);
  let n = 0;
  for (let i = 0; i < events.length; i++) if (events.eventType[i] === BID) out[n++] = i;
  return out.subarray(0, n);
}

function gather(values: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}

function gatherStrings(column: StringColumn, rows: Int32Array): StringColumn {
  let size = 0;
  for (let k = 0; k < rows.length; k++) size += column.offsets[rows[k]! + 1]! - column.offsets[rows[k]!]!;
  const bytes = new Uint8Array(size);
  const offsets = new Int32Array(rows.length + 1);
  let at = 0;
  for (let k = 0; k < rows.length; k++) {
    const from = column.offsets[rows[k]!]!;
    const to = column.offsets[rows[k]! + 1]!;
    bytes.set(column.bytes.subarray(from, to), at);
    at += to - from;
    offsets[k + 1] = at;
  }
  return { offsets, bytes };
}

const decoder = new TextDecoder();
function text(column: StringColumn, k: number): string {
  return decoder.decode(column.bytes.subarray(column.offsets[k], column.offsets[k + 1]));
}

interface BidColumns {
  readonly auction: Float64Array;
  readonly bidder: Float64Array;
  readonly price: Float64Array;
  readonly dateTime: Float64Array;
  readonly extra: StringColumn;
}

/** Output batches kept for the check (only when asked: the timed runs drop them, as a noop sink does). */
class Kept<T> {
  readonly batches: T[] = [];
  outputRows = 0;
  constructor(private readonly keep: boolean) {}
  add(batch: T, rows: number): void {
    this.outputRows += rows;
    if (this.keep) this.batches.push(batch);
  }
}

/** q0: the bids. */
export function q0(keep: boolean): HandQuery {
  const out = new Kept<BidColumns>(keep);
  return {
    batch(events) {
      const rows = bidRows(events);
      out.add({ auction: gather(events.bid.auction, rows), bidder: gather(events.bid.bidder, rows), price: gather(events.bid.price, rows), dateTime: gather(events.dateTime, rows), extra: gatherStrings(events.bid.extra, rows) }, rows.length);
    },
    finish() {},
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flatMap((b) => Array.from(b.auction, (_, k) => ({ auction: String(b.auction[k]), bidder: String(b.bidder[k]), price: String(b.price[k]), dateTime: b.dateTime[k], extra: text(b.extra, k) }))),
  };
}

/** q1: the bids, prices × 0.908 as exact thousandths (DECIMAL(24,3)). */
export function q1(keep: boolean): HandQuery {
  const out = new Kept<BidColumns & { readonly euros: Float64Array }>(keep);
  return {
    batch(events) {
      const rows = bidRows(events);
      const price = gather(events.bid.price, rows);
      const euros = new Float64Array(price.length);
      for (let k = 0; k < price.length; k++) euros[k] = price[k]! * 908; // thousandths, exact below 2^53
      out.add({ auction: gather(events.bid.auction, rows), bidder: gather(events.bid.bidder, rows), price, euros, dateTime: gather(events.dateTime, rows), extra: gatherStrings(events.bid.extra, rows) }, rows.length);
    },
    finish() {},
    get outputRows() {
      return out.outputRows;
    },
    rows: () =>
      out.batches.flatMap((b) =>
        Array.from(b.auction, (_, k) => ({ auction: String(b.auction[k]), bidder: String(b.bidder[k]), price: thousandths(b.euros[k]!), dateTime: b.dateTime[k], extra: text(b.extra, k) })),
      ),
  };
}

function thousandths(v: number): string {
  return `${Math.floor(v / 1000)}.${String(v % 1000).padStart(3, '0')}`;
}

/** q2: (auction, price) of bids on every 123rd auction. */
export function q2(keep: boolean): HandQuery {
  const out = new Kept<{ auction: Float64Array; price: Float64Array }>(keep);
  return {
    batch(events) {
      const selected = new Int32Array(events.length);
      let n = 0;
      const auction = events.bid.auction;
      for (let i = 0; i < events.length; i++) if (events.eventType[i] === BID && auction[i]! % 123 === 0) selected[n++] = i;
      const rows = selected.subarray(0, n);
      out.add({ auction: gather(auction, rows), price: gather(events.bid.price, rows) }, n);
    },
    finish() {},
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flatMap((b) => Array.from(b.auction, (_, k) => ({ auction: String(b.auction[k]), price: String(b.price[k]) }))),
  };
}

/** Watermark bookkeeping as Sluice's: max event time of all events so far − 4 s. */
class Watermark {
  private maxEventTime = Number.NEGATIVE_INFINITY;
  see(events: EventColumns): void {
    const t = events.dateTime;
    for (let i = 0; i < events.length; i++) if (t[i]! > this.maxEventTime) this.maxEventTime = t[i]!;
  }
  get value(): number {
    return this.maxEventTime - WATERMARK_DELAY_MS;
  }
}

/** q5: per 10 s window sliding by 2 s, the auctions with the most bids, emitted when the watermark passes the window's end. */
export function q5(keep: boolean): HandQuery {
  const SIZE = 10_000;
  const SLIDE = 2_000;
  const windows = new Map<number, Map<number, number>>(); // window start → auction → bids
  const watermark = new Watermark();
  const out = new Kept<{ auction: number; num: number }[]>(keep);
  const emitClosed = () => {
    const closed: number[] = [];
    for (const start of windows.keys()) if (start + SIZE <= watermark.value) closed.push(start);
    const rows: { auction: number; num: number }[] = [];
    for (const start of closed.sort((a, b) => a - b)) {
      const counts = windows.get(start)!;
      windows.delete(start);
      let max = 0;
      for (const n of counts.values()) if (n > max) max = n;
      for (const [auction, n] of counts) if (n >= max) rows.push({ auction, num: n });
    }
    if (rows.length > 0) out.add(rows, rows.length);
  };
  return {
    batch(events) {
      const { auction } = events.bid;
      const t = events.dateTime;
      for (let i = 0; i < events.length; i++) {
        if (events.eventType[i] !== BID) continue;
        const last = Math.floor(t[i]! / SLIDE) * SLIDE;
        for (let start = last; start > t[i]! - SIZE; start -= SLIDE) {
          let counts = windows.get(start);
          if (!counts) windows.set(start, (counts = new Map()));
          counts.set(auction[i]!, (counts.get(auction[i]!) ?? 0) + 1);
        }
      }
      watermark.see(events);
      emitClosed();
    },
    finish: emitClosed,
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flat().map((r) => ({ auction: String(r.auction), num: String(r.num) })),
  };
}

/** q11: bids per bidder per session (a gap of 10 s closes one), emitted when the watermark passes the session's end. */
export function q11(keep: boolean): HandQuery {
  const GAP = 10_000;
  interface Session { bidder: number; start: number; end: number; count: number }
  const open = new Map<number, Session>(); // bidder → the session a next bid may extend
  let superseded: Session[] = []; // sessions a later bid could not extend, waiting for the watermark
  const watermark = new Watermark();
  const out = new Kept<Session[]>(keep);
  const emitClosed = () => {
    const rows: Session[] = [];
    const waiting: Session[] = [];
    for (const s of superseded) (s.end <= watermark.value ? rows : waiting).push(s);
    superseded = waiting;
    for (const [bidder, s] of open) {
      if (s.end <= watermark.value) {
        rows.push(s);
        open.delete(bidder);
      }
    }
    if (rows.length > 0) out.add(rows, rows.length);
  };
  return {
    batch(events) {
      const { bidder } = events.bid;
      const t = events.dateTime;
      for (let i = 0; i < events.length; i++) {
        if (events.eventType[i] !== BID) continue;
        const who = bidder[i]!;
        const ts = t[i]!;
        const s = open.get(who);
        if (s && ts <= s.end) {
          s.count++;
          if (ts + GAP > s.end) s.end = ts + GAP;
        } else {
          if (s) superseded.push(s);
          open.set(who, { bidder: who, start: ts, end: ts + GAP, count: 1 });
        }
      }
      watermark.see(events);
      emitClosed();
    },
    finish: emitClosed,
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flat().map((s) => ({ bidder: String(s.bidder), bid_count: String(s.count), starttime: s.start, endtime: s.end })),
  };
}

/** q3: every (person in OR/ID/CA, auction of category 10 they sell) pair, as soon as both are seen. */
export function q3(keep: boolean): HandQuery {
  interface Person { name: string; city: string; state: string }
  const people = new Map<number, Person>(); // id → the person (only those in OR, ID, CA)
  const auctionsBySeller = new Map<number, number[]>(); // seller → auction ids (category 10)
  const out = new Kept<{ person: Person; id: number }[]>(keep);
  const wanted = new Set(['OR', 'ID', 'CA']);
  return {
    batch(events) {
      const rows: { person: Person; id: number }[] = [];
      const { person, auction } = events;
      for (let i = 0; i < events.length; i++) {
        const type = events.eventType[i];
        if (type === PERSON) {
          const state = text(person.state, i);
          if (!wanted.has(state)) continue;
          const p = { name: text(person.name, i), city: text(person.city, i), state };
          const id = person.id[i]!;
          people.set(id, p);
          for (const a of auctionsBySeller.get(id) ?? []) rows.push({ person: p, id: a });
        } else if (type === AUCTION) {
          if (auction.category[i] !== 10) continue;
          const seller = auction.seller[i]!;
          const id = auction.id[i]!;
          let sold = auctionsBySeller.get(seller);
          if (!sold) auctionsBySeller.set(seller, (sold = []));
          sold.push(id);
          const p = people.get(seller);
          if (p) rows.push({ person: p, id });
        }
      }
      out.add(rows, rows.length);
    },
    finish() {},
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flat().map((r) => ({ name: r.person.name, city: r.person.city, state: r.person.state, id: String(r.id) })),
  };
}

/**
 * q7: per 10 s tumbling window, the bids at its highest price, among the bids from its start to
 * its end inclusive (Flink's BETWEEN), emitted when the watermark passes the window's end.
 */
export function q7(keep: boolean): HandQuery {
  const SIZE = 10_000;
  interface Window { max: number; top: number[] /* bids at the max so far */; atStart: number[] /* bids at exactly the start */ }
  interface Bid { auction: number; price: number; bidder: number; dateTime: number; extra: string }
  const windows = new Map<number, Window>();
  const stored: Bid[] = []; // the bids a window may still output, by index
  const watermark = new Watermark();
  const out = new Kept<Bid[]>(keep);
  const windowOf = (start: number) => {
    let w = windows.get(start);
    if (!w) windows.set(start, (w = { max: -1, top: [], atStart: [] }));
    return w;
  };
  const emitClosed = () => {
    const rows: Bid[] = [];
    for (const start of [...windows.keys()].sort((a, b) => a - b)) {
      if (start + SIZE > watermark.value) continue;
      const w = windows.get(start)!;
      windows.delete(start);
      for (const k of w.top) rows.push(stored[k]!);
      // A bid at exactly the end is in the next window, and BETWEEN takes it too.
      for (const k of windows.get(start + SIZE)?.atStart ?? []) if (stored[k]!.price === w.max) rows.push(stored[k]!);
    }
    if (rows.length > 0) out.add(rows, rows.length);
  };
  return {
    batch(events) {
      const t = events.dateTime;
      const { price } = events.bid;
      for (let i = 0; i < events.length; i++) {
        if (events.eventType[i] !== BID) continue;
        const start = Math.floor(t[i]! / SIZE) * SIZE;
        const w = windowOf(start);
        const p = price[i]!;
        const atStart = t[i] === start;
        if (p < w.max && !atStart) continue;
        const k = stored.push({ auction: events.bid.auction[i]!, price: p, bidder: events.bid.bidder[i]!, dateTime: t[i]!, extra: text(events.bid.extra, i) }) - 1;
        if (atStart) w.atStart.push(k);
        if (p > w.max) {
          w.max = p;
          w.top = [k];
        } else if (p === w.max) w.top.push(k);
      }
      watermark.see(events);
      emitClosed();
    },
    finish: emitClosed,
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flat().map((b) => ({ auction: String(b.auction), price: String(b.price), bidder: String(b.bidder), dateTime: b.dateTime, extra: b.extra })),
  };
}

/** q8: people who registered and opened an auction in the same 10 s tumbling window, emitted when the watermark passes the window's end. */
export function q8(keep: boolean): HandQuery {
  const SIZE = 10_000;
  const windows = new Map<number, { people: Map<number, Set<string>>; sellers: Set<number> }>(); // window start → who registered, who sold
  const watermark = new Watermark();
  const out = new Kept<{ id: number; name: string; start: number }[]>(keep);
  const emitClosed = () => {
    const rows: { id: number; name: string; start: number }[] = [];
    for (const [start, w] of windows) {
      if (start + SIZE > watermark.value) continue;
      windows.delete(start);
      for (const [id, names] of w.people) if (w.sellers.has(id)) for (const name of names) rows.push({ id, name, start });
    }
    if (rows.length > 0) out.add(rows, rows.length);
  };
  const windowOf = (start: number) => {
    let w = windows.get(start);
    if (!w) windows.set(start, (w = { people: new Map(), sellers: new Set() }));
    return w;
  };
  return {
    batch(events) {
      const t = events.dateTime;
      for (let i = 0; i < events.length; i++) {
        const type = events.eventType[i];
        if (type === BID) continue;
        const w = windowOf(Math.floor(t[i]! / SIZE) * SIZE);
        if (type === PERSON) {
          const id = events.person.id[i]!;
          let names = w.people.get(id);
          if (!names) w.people.set(id, (names = new Set()));
          names.add(text(events.person.name, i));
        } else {
          w.sellers.add(events.auction.seller[i]!);
        }
      }
      watermark.see(events);
      emitClosed();
    },
    finish: emitClosed,
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flat().map((r) => ({ id: String(r.id), name: r.name, starttime: r.start })),
  };
}

/** A closed auction with its winning price (the output of Nexmark's `WinningBids`). */
interface Closed { id: number; seller: number; category: number; final: number; expires: number }

interface AuctionState {
  auction: { seller: number; category: number; start: number; expires: number } | null;
  max: number;
  pending: [number, number][];
}

/**
 * q4's and q6's first half, as the Sluice query runs it batch by batch: a batch's rows see the
 * watermark of the batches before it; auctions whose expiry is below that watermark close, and
 * so do waiting bids below it; after the last batch, one more round at the final watermark.
 */
class WinningBids {
  private readonly states = new Map<number, AuctionState>();
  private readonly watermark = new Watermark();

  batch(events: EventColumns): Closed[] {
    const wm = this.watermark.value;
    const touched = new Map<number, AuctionState>();
    const t = events.dateTime;
    for (let i = 0; i < events.length; i++) {
      const type = events.eventType[i];
      if (type === PERSON) continue;
      const id = type === AUCTION ? events.auction.id[i]! : events.bid.auction[i]!;
      let s = touched.get(id) ?? this.states.get(id);
      if (!s) s = { auction: null, max: -1, pending: [] };
      touched.set(id, s);
      if (type === AUCTION) {
        const a = { seller: events.auction.seller[i]!, category: events.auction.category[i]!, start: t[i]!, expires: events.auction.expires[i]! };
        s.auction = a;
        for (const [price, at] of s.pending) if (at >= a.start && at <= a.expires && price > s.max) s.max = price;
        s.pending = [];
      } else {
        const price = events.bid.price[i]!;
        if (!s.auction) s.pending.push([price, t[i]!]);
        else if (t[i]! >= s.auction.start && t[i]! <= s.auction.expires && price > s.max) s.max = price;
      }
    }
    const closed: Closed[] = [];
    for (const [id, s] of touched) {
      if (s.auction) {
        if (s.auction.expires < wm) this.close(id, s, closed);
        else this.states.set(id, s);
        continue;
      }
      s.pending = s.pending.filter(([, at]) => at >= wm);
      if (s.pending.length === 0) this.states.delete(id);
      else this.states.set(id, s);
    }
    this.expire(wm, closed, touched);
    this.watermark.see(events);
    return closed;
  }

  /** The no-data batch after the last one, at the final watermark. */
  finish(): Closed[] {
    const closed: Closed[] = [];
    this.expire(this.watermark.value, closed, new Map());
    return closed;
  }

  private expire(wm: number, closed: Closed[], touched: Map<number, AuctionState>): void {
    for (const [id, s] of this.states) {
      if (touched.has(id)) continue;
      const timeout = s.auction ? s.auction.expires : Math.max(...s.pending.map(([, at]) => at));
      if (timeout < wm) this.close(id, s, closed);
    }
  }

  private close(id: number, s: AuctionState, closed: Closed[]): void {
    this.states.delete(id);
    if (s.auction && s.max >= 0) closed.push({ id, seller: s.auction.seller, category: s.auction.category, final: s.max, expires: s.auction.expires });
  }
}

/** q4: per category, the running average of the winning prices; each batch, the categories it moved. */
export function q4(keep: boolean): HandQuery {
  const winning = new WinningBids();
  const sums = new Map<number, { sum: number; count: number }>();
  const out = new Kept<{ category: number; avg: number }[]>(keep);
  const emit = (closed: Closed[]) => {
    const moved = new Set<number>();
    for (const c of closed) {
      let s = sums.get(c.category);
      if (!s) sums.set(c.category, (s = { sum: 0, count: 0 }));
      s.sum += c.final;
      s.count++;
      moved.add(c.category);
    }
    const rows = [...moved].map((category) => ({ category, avg: sums.get(category)!.sum / sums.get(category)!.count }));
    if (rows.length > 0) out.add(rows, rows.length);
  };
  return {
    batch: (events) => emit(winning.batch(events)),
    finish: () => emit(winning.finish()),
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flat().map((r) => ({ category: String(r.category), avg_final: r.avg })),
  };
}

/** q6: per seller, at each closed auction (in expiry order), the average winning price of its last 10. */
export function q6(keep: boolean): HandQuery {
  const winning = new WinningBids();
  const last = new Map<number, number[]>();
  const out = new Kept<{ seller: number; avg: number }[]>(keep);
  const emit = (closed: Closed[]) => {
    const bySeller = new Map<number, Closed[]>();
    for (const c of closed) {
      const list = bySeller.get(c.seller);
      if (list) list.push(c);
      else bySeller.set(c.seller, [c]);
    }
    const rows: { seller: number; avg: number }[] = [];
    for (const [seller, list] of bySeller) {
      let prices = last.get(seller);
      if (!prices) last.set(seller, (prices = []));
      list.sort((a, b) => a.expires - b.expires || a.id - b.id);
      for (const c of list) {
        prices.push(c.final);
        if (prices.length > 10) prices.shift();
        let sum = 0;
        for (const p of prices) sum += p;
        rows.push({ seller, avg: sum / prices.length });
      }
    }
    if (rows.length > 0) out.add(rows, rows.length);
  };
  return {
    batch: (events) => emit(winning.batch(events)),
    finish: () => emit(winning.finish()),
    get outputRows() {
      return out.outputRows;
    },
    rows: () => out.batches.flat().map((r) => ({ seller: String(r.seller), avg_price: r.avg })),
  };
}

export const HAND_QUERIES: Record<string, (keep: boolean) => HandQuery> = { q0, q1, q2, q3, q4, q5, q6, q7, q8, q11 };
