/**
 * A Nexmark event generator (restated from the description of the reference generator in
 * nexmark/nexmark `generator/`, not a port of its code): person, auction and bid events in the
 * proportions 1 : 3 : 46, ids drawn as the reference draws them (hot sellers, bidders and
 * auctions; uniform choices among the active people and the auctions in flight, with a few ids
 * of lead), prices 10^(6U)·100 cents, strings padded to the average event sizes (200, 500 and
 * 100 bytes), event times `baseTime + eventNumber / rate` (in order).
 *
 * Events are generated column by column straight into typed arrays and UTF-8 byte buffers (the
 * layout of Arrow), so the Sluice source and the hand-written loops read the very same events.
 * Every event draws from a random sequence seeded by its event id (not the Java RNG: the events
 * are not byte-identical to Flink's, the distributions are the same), so an event does not
 * depend on the batch that holds it and a replayed batch is identical.
 */

/** The generator's settings (the reference's names and defaults; `rate` is its firstEventRate). */
export interface NexmarkConfig {
  /** Events per second of event time. */
  readonly rate: number;
  /** Event time of event 0, epoch ms. */
  readonly baseTime: number;
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  readonly hotAuctionRatio: number;
  readonly hotSellersRatio: number;
  readonly hotBiddersRatio: number;
  readonly numInFlightAuctions: number;
  readonly numActivePeople: number;
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
}

export const DEFAULT_CONFIG: NexmarkConfig = {
  rate: 10_000,
  baseTime: Date.UTC(2026, 0, 1),
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
};

export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const PERSON = 0;
export const AUCTION = 1;
export const BID = 2;

const HOT_RATIO = 100; // hot sellers, bidders and auctions: the first of each block of 100 ids
const ID_LEAD = 10;
const NUM_CATEGORIES = 5;
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];

/** A UTF-8 string column as Arrow lays it out: `offsets[i]..offsets[i+1]` are row i's bytes. */
export interface StringColumn {
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
}

/** `count` events from `firstEvent` on, by column. A struct's columns hold zeros and empty strings on the other events' rows. */
export interface EventColumns {
  readonly length: number;
  readonly eventType: Int32Array;
  /** Event time, epoch ms. */
  readonly dateTime: Float64Array;
  readonly person: { readonly id: Float64Array; readonly name: StringColumn; readonly emailAddress: StringColumn; readonly creditCard: StringColumn; readonly city: StringColumn; readonly state: StringColumn; readonly extra: StringColumn };
  readonly auction: {
    readonly id: Float64Array; readonly itemName: StringColumn; readonly description: StringColumn; readonly initialBid: Float64Array; readonly reserve: Float64Array;
    readonly expires: Float64Array; readonly seller: Float64Array; readonly category: Float64Array; readonly extra: StringColumn;
  };
  readonly bid: { readonly auction: Float64Array; readonly bidder: Float64Array; readonly price: Float64Array; readonly extra: StringColumn };
}

// The random sequence of the event being generated (mulberry32 over a 32-bit state).
let state = 0;
function seed(eventId: number): void {
  const lo = eventId >>> 0;
  const hi = Math.floor(eventId / 4294967296) >>> 0;
  state = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi ^ 0x27d4eb2f, 0xc2b2ae35);
}
function next32(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
/** Uniform in [0, 1). */
function nextDouble(): number {
  return next32() / 4294967296;
}
/** Uniform integer in [0, n). */
function nextInt(n: number): number {
  return Math.floor(nextDouble() * n);
}
function nextPrice(): number {
  return Math.round(10 ** (nextDouble() * 6) * 100);
}

class StringWriter {
  readonly offsets: Int32Array;
  bytes: Uint8Array;
  at = 0;
  /** offsets[0..filled] are set; the rows before `filled` are done. */
  private filled = 0;
  private lastEnd = 0;
  constructor(rows: number, expectedBytes: number) {
    this.offsets = new Int32Array(rows + 1);
    this.bytes = new Uint8Array(Math.max(16, Math.ceil(expectedBytes)));
  }
  private reserve(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }
  /** End row `row`: the bytes written since the last row ended are its value; rows skipped before it are empty. */
  endRow(row: number): void {
    while (this.filled < row) this.offsets[++this.filled] = this.lastEnd;
    this.offsets[++this.filled] = this.at;
    this.lastEnd = this.at;
  }
  ascii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.at++] = text.charCodeAt(i);
  }
  /** Up to `maxLength` random lower-case letters with occasional spaces, trimmed (at least 3 drawn). */
  randomString(maxLength: number): number {
    const length = 3 + nextInt(maxLength - 3);
    this.reserve(length);
    const start = this.at;
    for (let i = 0; i < length; i++) this.bytes[this.at++] = nextInt(13) === 0 ? 32 : 97 + nextInt(26);
    // trim
    let end = this.at;
    while (end > start && this.bytes[end - 1] === 32) end--;
    let from = start;
    while (from < end && this.bytes[from] === 32) from++;
    if (from > start) this.bytes.copyWithin(start, from, end);
    this.at = start + (end - from);
    return this.at - start;
  }
  /** Exactly `length` random lower-case letters, five per draw. */
  exactString(length: number): void {
    this.reserve(length);
    let rnd = 0;
    let left = 0;
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < length; i++) {
      if (left === 0) {
        rnd = next32() >>> 2; // 30 bits stay small integers; 26^5 < 2^30
        left = 5;
      }
      const letter = rnd % 26;
      bytes[at++] = 97 + letter;
      rnd = (rnd - letter) / 26;
      left--;
    }
    this.at = at;
  }
  /** Padding so that an event of `currentSize` bytes is `averageSize` on average (±20 %). */
  extra(currentSize: number, averageSize: number): void {
    if (currentSize > averageSize) return;
    const wanted = averageSize - currentSize;
    const delta = Math.round(wanted * 0.2);
    this.exactString(wanted - delta + (delta === 0 ? 0 : nextInt(2 * delta)));
  }
  finish(rows: number): StringColumn {
    while (this.filled < rows) this.offsets[++this.filled] = this.at;
    return { offsets: this.offsets, bytes: this.bytes.subarray(0, this.at) };
  }
}

export class NexmarkGenerator {
  private readonly total: number;
  private readonly interEventDelayUs: number;

  constructor(readonly config: NexmarkConfig = DEFAULT_CONFIG) {
    this.total = config.personProportion + config.auctionProportion + config.bidProportion;
    this.interEventDelayUs = 1_000_000 / config.rate;
  }

  /** Event time of event number `n`. */
  timestampOf(n: number): number {
    return this.config.baseTime + Math.floor(Math.floor(n * this.interEventDelayUs) / 1000);
  }

  /** The kind of event `eventId` is: PERSON, AUCTION or BID. */
  typeOf(eventId: number): number {
    const offset = eventId % this.total;
    return offset < this.config.personProportion ? PERSON : offset < this.config.personProportion + this.config.auctionProportion ? AUCTION : BID;
  }

  /** The newest person id (base 0) at event `eventId`: its own if it is a person. */
  lastPersonId(eventId: number): number {
    const epoch = Math.floor(eventId / this.total);
    let offset = eventId % this.total;
    if (offset >= this.config.personProportion) offset = this.config.personProportion - 1;
    return epoch * this.config.personProportion + offset;
  }

  /** The newest auction id (base 0) at event `eventId`: its own if it is an auction. */
  lastAuctionId(eventId: number): number {
    const { personProportion, auctionProportion } = this.config;
    let epoch = Math.floor(eventId / this.total);
    let offset = eventId % this.total;
    if (offset < personProportion) {
      epoch--;
      offset = auctionProportion - 1;
    } else if (offset >= personProportion + auctionProportion) {
      offset = auctionProportion - 1;
    } else {
      offset -= personProportion;
    }
    return epoch * auctionProportion + offset;
  }

  /** One of the active people, or a few ids ahead of the newest. */
  private randomPersonId(eventId: number): number {
    const people = this.lastPersonId(eventId) + 1;
    const active = Math.min(people, this.config.numActivePeople);
    return people - active + nextInt(active + ID_LEAD);
  }

  /** One of the auctions in flight, or a few ids ahead of the newest. */
  private randomAuctionId(eventId: number): number {
    const last = this.lastAuctionId(eventId);
    const min = Math.max(last - this.config.numInFlightAuctions, 0);
    return min + nextInt(last - min + 1 + ID_LEAD);
  }

  /** Events `first … first+count-1`. */
  generate(first: number, count: number): EventColumns {
    const c = this.config;
    const eventType = new Int32Array(count);
    const dateTime = new Float64Array(count);
    // String buffers sized for the expected bytes (persons are 1/50 of the events, auctions 3/50).
    const p = count / 40;
    const a = count / 14;
    const person = { id: new Float64Array(count), name: new StringWriter(count, p * 12), emailAddress: new StringWriter(count, p * 15), creditCard: new StringWriter(count, p * 19), city: new StringWriter(count, p * 8), state: new StringWriter(count, p * 2), extra: new StringWriter(count, p * 150) };
    const auction = {
      id: new Float64Array(count), itemName: new StringWriter(count, a * 12), description: new StringWriter(count, a * 52), initialBid: new Float64Array(count), reserve: new Float64Array(count),
      expires: new Float64Array(count), seller: new Float64Array(count), category: new Float64Array(count), extra: new StringWriter(count, a * 400),
    };
    const bid = { auction: new Float64Array(count), bidder: new Float64Array(count), price: new Float64Array(count), extra: new StringWriter(count, count * 72) };
    const numEventsForAuctions = Math.floor((c.numInFlightAuctions * this.total) / c.auctionProportion);
    for (let i = 0; i < count; i++) {
      const eventId = first + i;
      const ts = this.timestampOf(eventId);
      dateTime[i] = ts;
      seed(eventId);
      const type = this.typeOf(eventId);
      eventType[i] = type;
      if (type === BID) {
        bid.auction[i] = FIRST_AUCTION_ID + (nextInt(c.hotAuctionRatio) > 0 ? Math.floor(this.lastAuctionId(eventId) / HOT_RATIO) * HOT_RATIO : this.randomAuctionId(eventId));
        bid.bidder[i] = FIRST_PERSON_ID + (nextInt(c.hotBiddersRatio) > 0 ? Math.floor(this.lastPersonId(eventId) / HOT_RATIO) * HOT_RATIO + 1 : this.randomPersonId(eventId));
        bid.price[i] = nextPrice();
        bid.extra.extra(32, c.avgBidByteSize);
        bid.extra.endRow(i);
      } else if (type === AUCTION) {
        auction.id[i] = FIRST_AUCTION_ID + this.lastAuctionId(eventId);
        auction.seller[i] = FIRST_PERSON_ID + (nextInt(c.hotSellersRatio) > 0 ? Math.floor(this.lastPersonId(eventId) / HOT_RATIO) * HOT_RATIO : this.randomPersonId(eventId));
        auction.category[i] = FIRST_CATEGORY_ID + nextInt(NUM_CATEGORIES);
        const initialBid = nextPrice();
        auction.initialBid[i] = initialBid;
        const horizonMs = this.timestampOf(eventId + numEventsForAuctions) - ts;
        auction.expires[i] = ts + 1 + nextInt(Math.max(horizonMs * 2, 1));
        const nameLength = auction.itemName.randomString(20);
        auction.itemName.endRow(i);
        const descriptionLength = auction.description.randomString(100);
        auction.description.endRow(i);
        auction.reserve[i] = initialBid + nextPrice();
        auction.extra.extra(8 + nameLength + descriptionLength + 40, c.avgAuctionByteSize);
        auction.extra.endRow(i);
      } else {
        person.id[i] = FIRST_PERSON_ID + this.lastPersonId(eventId);
        const name = `${FIRST_NAMES[nextInt(FIRST_NAMES.length)]} ${LAST_NAMES[nextInt(LAST_NAMES.length)]}`;
        person.name.ascii(name);
        person.name.endRow(i);
        const emailLength = person.emailAddress.randomString(7);
        person.emailAddress.ascii('@');
        const domainLength = person.emailAddress.randomString(5);
        person.emailAddress.ascii('.com');
        person.emailAddress.endRow(i);
        const card = `${pad4(nextInt(10000))} ${pad4(nextInt(10000))} ${pad4(nextInt(10000))} ${pad4(nextInt(10000))}`;
        person.creditCard.ascii(card);
        person.creditCard.endRow(i);
        const city = US_CITIES[nextInt(US_CITIES.length)]!;
        person.city.ascii(city);
        person.city.endRow(i);
        const usState = US_STATES[nextInt(US_STATES.length)]!;
        person.state.ascii(usState);
        person.state.endRow(i);
        person.extra.extra(8 + name.length + emailLength + domainLength + 5 + card.length + city.length + usState.length, c.avgPersonByteSize);
        person.extra.endRow(i);
      }
    }
    return {
      length: count,
      eventType,
      dateTime,
      person: { id: person.id, name: person.name.finish(count), emailAddress: person.emailAddress.finish(count), creditCard: person.creditCard.finish(count), city: person.city.finish(count), state: person.state.finish(count), extra: person.extra.finish(count) },
      auction: { ...auction, itemName: auction.itemName.finish(count), description: auction.description.finish(count), extra: auction.extra.finish(count) },
      bid: { ...bid, extra: bid.extra.finish(count) },
    };
  }
}

function pad4(n: number): string {
  return n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`;
}

const decoder = new TextDecoder();
/** Row `i` of a string column as a JS string. */
export function stringAt(column: StringColumn, i: number): string {
  return decoder.decode(column.bytes.subarray(column.offsets[i], column.offsets[i + 1]));
}
