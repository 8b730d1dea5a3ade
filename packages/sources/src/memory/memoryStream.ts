import type { Schema, Table } from 'apache-arrow';
import { Subject, type Observable, of } from 'rxjs';
import { concatTables, SluiceError, StreamFrame, tableFromRows, toSchema, type ReadLimit, type SchemaLike, type Source, type SourceProvider } from '@sluice/core';

type Rows = readonly Readonly<Record<string, unknown>>[];

/**
 * An in-memory, replayable stream the app owns (Spark's MemoryStream, public here): each
 * `addData` call is one offset, numbered as Spark numbers them (-1 before any data, the first
 * `addData` is offset 0), so a Spark checkpoint of a MemoryStream query resumes here. It
 * survives query restarts in the same process, which is what crash/restart tests need; it does
 * not survive the process.
 *
 * @example
 * const input = memoryStream('user STRING, clicks INT');
 * const query = await input.toFrame().writeTo(memorySink(), { queryName: 'clicks' });
 * input.addData([{ user: 'ada', clicks: 3 }]);
 * await query.processAllAvailable();
 */
export class MemoryStream {
  readonly schema: Schema;
  private readonly batches: Table[] = [];
  private readonly arrived = new Subject<void>();
  private readonly provider: SourceProvider;

  constructor(schema: SchemaLike, readonly name = 'MemoryStream') {
    this.schema = toSchema(schema);
    const stream = this;
    this.provider = {
      format: 'memory',
      schema: this.schema,
      options: { name },
      open: async () => new MemorySource(stream),
    };
  }

  /** Append rows (objects or an Arrow table of this schema); returns the new latest offset (0 for the first call). */
  addData(data: Rows | Table): number {
    const table = Array.isArray(data) ? tableFromRows(this.schema, data as Rows) : (data as Table);
    if (!Array.isArray(data)) checkSchema(this.schema, table.schema, this.name);
    this.batches.push(table);
    this.arrived.next();
    return this.latestOffset;
  }

  /** The latest offset: the number of `addData` calls so far minus one (-1 when none). */
  get latestOffset(): number {
    return this.batches.length - 1;
  }

  /** The stream as a query input. */
  toFrame(): StreamFrame {
    return StreamFrame.fromSource(this.provider);
  }

  /** @internal */
  get dataArrived$(): Observable<void> {
    return this.arrived.asObservable();
  }

  /** @internal the rows of offsets (start, end] */
  slice(start: number, end: number): Table {
    return concatTables(this.schema, this.batches.slice(start + 1, end + 1));
  }

  /** @internal */
  get sourceProvider(): SourceProvider {
    return this.provider;
  }

  /**
   * Feed an Observable the app owns into a MemoryStream: every emission (rows or a table) becomes
   * one offset, buffered so that a restarted query can replay it.
   */
  static fromObservable(source$: Observable<Rows | Table>, schema: SchemaLike, name?: string): MemoryStream {
    const stream = new MemoryStream(schema, name);
    source$.subscribe((data) => stream.addData(data));
    return stream;
  }
}

class MemorySource implements Source<number> {
  readonly description: string;
  readonly schema: Schema;
  readonly dataArrived$: Observable<void>;
  private target: number | null = null;

  constructor(private readonly stream: MemoryStream) {
    this.description = `${stream.name}[${stream.schema.fields.map((f) => f.name).join(',')}]`;
    this.schema = stream.schema;
    this.dataArrived$ = stream.dataArrived$;
  }

  async initialOffset(): Promise<number> {
    return -1;
  }

  async latestOffset(start: number, limit: ReadLimit): Promise<number> {
    const latest = this.target ?? this.stream.latestOffset;
    // maxRows is not exact here: an offset is a whole addData call, so a batch holds ≥ 1 call.
    if (limit.kind === 'maxFiles') return Math.min(latest, start + limit.maxFiles);
    return latest;
  }

  reportLatestOffset(): number {
    return this.stream.latestOffset;
  }

  async prepareForAvailableNow(): Promise<void> {
    this.target = this.stream.latestOffset;
  }

  read(start: number, end: number): Observable<Table> {
    if (end > this.stream.latestOffset) {
      throw new SluiceError('SOURCE_FAILED', `${this.stream.name} is at offset ${this.stream.latestOffset} but the checkpoint asks for offset ${end}. A memory stream does not survive the process: start the query with a fresh checkpoint.`);
    }
    return of(this.stream.slice(start, end));
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {}
}

function checkSchema(expected: Schema, actual: Schema, name: string): void {
  const a = expected.fields.map((f) => `${f.name}:${f.type}`).join(', ');
  const b = actual.fields.map((f) => `${f.name}:${f.type}`).join(', ');
  if (a !== b) throw new SluiceError('SCHEMA_MISMATCH', `${name} expects [${a}] but addData got a table of [${b}].`);
}

/** A memory stream of this schema (Spark's `MemoryStream[T]`). */
export function memoryStream(schema: SchemaLike, name?: string): MemoryStream {
  return new MemoryStream(schema, name);
}
