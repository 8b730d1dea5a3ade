/**
 * The Nexmark generator as a Sluice source: one stream of all events with Flink's `datagen`
 * schema (`event_type`, `person`, `auction`, `bid` structs — the two that do not apply are null —
 * and `dateTime`). The offset is the number of events generated; each batch takes the next
 * `eventsPerBatch` events, up to `maxEvents`. A range always generates the same events, so a
 * replayed batch is identical.
 */
import { Field, Int32, Int64, makeData, RecordBatch, Schema, Struct, Table, TimestampMillisecond, Utf8, type Data, type DataType } from 'apache-arrow';
import { of, type Observable } from 'rxjs';
import { StreamFrame, type SourceProvider } from '@sluice/core';
import type { ReadLimit, Source } from '@sluice/core/connector';
import { BID, AUCTION, PERSON, DEFAULT_CONFIG, NexmarkGenerator, type EventColumns, type NexmarkConfig, type StringColumn } from './generator.ts';

const long = (name: string) => new Field(name, new Int64(), false);
const text = (name: string) => new Field(name, new Utf8(), false);
const time = (name: string) => new Field(name, new TimestampMillisecond(), false);

export const PERSON_FIELDS = [long('id'), text('name'), text('emailAddress'), text('creditCard'), text('city'), text('state'), time('dateTime'), text('extra')];
export const AUCTION_FIELDS = [long('id'), text('itemName'), text('description'), long('initialBid'), long('reserve'), time('dateTime'), time('expires'), long('seller'), long('category'), text('extra')];
export const BID_FIELDS = [long('auction'), long('bidder'), long('price'), time('dateTime'), text('extra')];

/** Flink's `datagen` table of the Nexmark suite (`ddl_gen.sql`). */
export const NEXMARK_SCHEMA = new Schema([
  new Field('event_type', new Int32(), false),
  new Field('person', new Struct(PERSON_FIELDS), true),
  new Field('auction', new Struct(AUCTION_FIELDS), true),
  new Field('bid', new Struct(BID_FIELDS), true),
  time('dateTime'),
]);

export interface NexmarkSourceOptions {
  readonly maxEvents: number;
  readonly eventsPerBatch: number;
  readonly config?: NexmarkConfig;
}

/** The Nexmark events as a stream. */
export function nexmarkSource(options: NexmarkSourceOptions): StreamFrame {
  return StreamFrame.fromSource(nexmarkProvider(options));
}

export function nexmarkProvider(options: NexmarkSourceOptions): SourceProvider {
  return {
    format: 'nexmark',
    schema: NEXMARK_SCHEMA,
    options: { maxEvents: options.maxEvents, eventsPerBatch: options.eventsPerBatch },
    open: async () => new NexmarkSource(options),
  };
}

class NexmarkSource implements Source<number> {
  readonly schema = NEXMARK_SCHEMA;
  readonly description: string;
  private readonly generator: NexmarkGenerator;

  constructor(private readonly options: NexmarkSourceOptions) {
    this.generator = new NexmarkGenerator(options.config ?? DEFAULT_CONFIG);
    this.description = `Nexmark[maxEvents=${options.maxEvents}, eventsPerBatch=${options.eventsPerBatch}]`;
  }

  async initialOffset(): Promise<number> {
    return 0;
  }

  async latestOffset(start: number, _limit: ReadLimit): Promise<number> {
    return Math.min(start + this.options.eventsPerBatch, this.options.maxEvents);
  }

  async prepareForAvailableNow(): Promise<void> {}

  read(start: number, end: number): Observable<Table> {
    return of(eventsTable(this.generator.generate(start, end - start)));
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {}
}

/** The generated events as an Arrow table of NEXMARK_SCHEMA (the columns are used as they are, strings included). */
export function eventsTable(events: EventColumns): Table {
  const n = events.length;
  const dateTime = int64Data(new TimestampMillisecond(), events.dateTime);
  const valid = (type: number) => {
    const bitmap = new Uint8Array((n + 7) >> 3);
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      if (events.eventType[i] === type) bitmap[i >> 3]! |= 1 << (i & 7);
      else nulls++;
    }
    return { bitmap, nulls };
  };
  const struct = (fields: Field[], type: number, children: Data[]) => {
    const { bitmap, nulls } = valid(type);
    return makeData({ type: new Struct(fields), length: n, nullCount: nulls, nullBitmap: bitmap, children });
  };
  const { person: p, auction: a, bid: b } = events;
  const person = struct(PERSON_FIELDS, PERSON, [int64Data(new Int64(), p.id), utf8(p.name), utf8(p.emailAddress), utf8(p.creditCard), utf8(p.city), utf8(p.state), dateTime, utf8(p.extra)]);
  const auction = struct(AUCTION_FIELDS, AUCTION, [
    int64Data(new Int64(), a.id), utf8(a.itemName), utf8(a.description), int64Data(new Int64(), a.initialBid), int64Data(new Int64(), a.reserve), dateTime,
    int64Data(new TimestampMillisecond(), a.expires), int64Data(new Int64(), a.seller), int64Data(new Int64(), a.category), utf8(a.extra),
  ]);
  const bid = struct(BID_FIELDS, BID, [int64Data(new Int64(), b.auction), int64Data(new Int64(), b.bidder), int64Data(new Int64(), b.price), dateTime, utf8(b.extra)]);
  const eventType = makeData({ type: new Int32(), length: n, data: events.eventType });
  const data = makeData({ type: new Struct(NEXMARK_SCHEMA.fields), length: n, nullCount: 0, children: [eventType, person, auction, bid, dateTime] });
  return new Table([new RecordBatch(NEXMARK_SCHEMA, data)]);
}

const TWO_32 = 2 ** 32;

/** A 64-bit integer column from non-negative whole numbers below 2^53, written as 32-bit words. */
function int64Data<T extends DataType>(type: T, values: Float64Array): Data<T> {
  const out = new BigInt64Array(values.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0, w = 0; i < values.length; i++, w += 2) {
    const v = values[i]!;
    words[w] = v >>> 0; // the low 32 bits of a whole number below 2^53
    words[w + 1] = (v / TWO_32) >>> 0;
  }
  return makeData({ type, length: values.length, data: out } as never) as Data<T>;
}

function utf8(column: StringColumn): Data<Utf8> {
  return makeData({ type: new Utf8(), length: column.offsets.length - 1, valueOffsets: column.offsets, data: column.bytes });
}
