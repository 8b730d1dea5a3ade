import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Schema, Table } from 'apache-arrow';
import type { ClientBase } from 'pg';
import { SluiceError } from '@sluice/core';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, CopyBuffer } from './copyBuffer.ts';
import type { FieldEncoder } from './fieldEncoders.ts';
import { displayName, type TableName } from './tableName.ts';
import { createTable, describeTable } from './targetTable.ts';
import { planWrite, type WritePlan } from './writePlan.ts';
import { pgCopyStreams } from './pgModules.ts';

export interface TableWriterOptions {
  readonly table: TableName;
  readonly mode: 'append' | 'upsert';
  /** The conflict key of `mode: 'upsert'`. */
  readonly keyColumns?: readonly string[];
  readonly createTableIfNotExists?: boolean;
  /** Rows encoded before their bytes are handed to the socket (bounds memory, lets COPY stream). */
  readonly batchSize?: number;
}

/**
 * Writes Arrow tables into one PostgreSQL table: appends through binary COPY, upserts through
 * COPY into a staging table and one `INSERT … ON CONFLICT DO UPDATE`. The table's shape is
 * checked once per batch schema (`prepare`); `write` runs inside the caller's transaction.
 */
export class TableWriter {
  private readonly plans = new Map<string, WritePlan>();
  private readonly keyColumns: readonly string[];
  private readonly batchSize: number;

  constructor(private readonly options: TableWriterOptions) {
    this.keyColumns = options.mode === 'upsert' ? options.keyColumns ?? [] : [];
    this.batchSize = options.batchSize ?? 10_000;
  }

  /**
   * Check (and with `createTableIfNotExists`, create) the table for a batch schema. Run it outside
   * a transaction: a concurrent creator of the same table would abort the caller's transaction.
   */
  async prepare(client: ClientBase, schema: Schema): Promise<WritePlan> {
    const key = fingerprint(schema);
    const cached = this.plans.get(key);
    if (cached) return cached;
    let table = await describeTable(client, this.options.table);
    if (!table && this.options.createTableIfNotExists) {
      await createTable(client, this.options.table, schema, this.keyColumns);
      table = await describeTable(client, this.options.table);
    }
    if (!table) throw tableMissing(this.options.table);
    const plan = planWrite(schema, table, this.keyColumns);
    this.plans.set(key, plan);
    return plan;
  }

  /** Check at start that the table exists (unless it may be created): the error then comes before any data. */
  async check(client: ClientBase): Promise<void> {
    if (this.options.createTableIfNotExists) return;
    if (!(await describeTable(client, this.options.table))) throw tableMissing(this.options.table);
  }

  /** Forget checked shapes, e.g. after a failure that may come from the table having changed. */
  invalidate(): void {
    this.plans.clear();
  }

  /** Write `table` with a plan from `prepare`; returns the rows inserted or updated. */
  async write(client: ClientBase, plan: WritePlan, table: Table, signal?: AbortSignal): Promise<number> {
    if (table.numRows === 0) return 0;
    if (!plan.upsert) return this.copy(client, plan.copySql, plan, table, false, signal);
    await client.query(plan.upsert.stageSql);
    await this.copy(client, plan.upsert.copySql, plan, table, true, signal);
    const merged = await client.query(plan.upsert.mergeSql);
    return merged.rowCount ?? 0;
  }

  private async copy(client: ClientBase, sql: string, plan: WritePlan, table: Table, withSequence: boolean, signal?: AbortSignal): Promise<number> {
    const stream = client.query(pgCopyStreams().from(sql));
    const source = Readable.from(encodeRows(table, plan, this.batchSize, withSequence));
    await pipeline(source, stream, ...(signal ? [{ signal }] : []));
    return stream.rowCount;
  }
}

/** The binary COPY stream of a table: header, tuples in chunks of `batchSize` rows, trailer. */
export function* encodeRows(table: Table, plan: WritePlan, batchSize: number, withSequence: boolean): Generator<Buffer> {
  yield COPY_BINARY_HEADER;
  const out = new CopyBuffer();
  const fieldCount = plan.columns.length + (withSequence ? 1 : 0);
  let sequence = 0;
  let pending = 0;
  for (const batch of table.batches) {
    const encoders: FieldEncoder[] = plan.columns.map((c) => c.encoder(batch.data.children[c.index]!));
    const width = encoders.length;
    const rows = batch.numRows;
    for (let i = 0; i < rows; i++) {
      out.int16(fieldCount);
      for (let c = 0; c < width; c++) encoders[c]!(out, i);
      if (withSequence) {
        out.int32(8);
        out.int64(sequence++);
      }
      if (++pending === batchSize) {
        yield* out.take();
        pending = 0;
      }
    }
  }
  out.bytes(COPY_BINARY_TRAILER, 0, COPY_BINARY_TRAILER.length);
  yield* out.take();
}

function fingerprint(schema: Schema): string {
  return JSON.stringify(schema.fields.map((f) => [f.name, String(f.type), f.nullable]));
}

function tableMissing(table: TableName): SluiceError {
  return new SluiceError('INVALID_OPTION', `Table ${displayName(table)} (option 'dbtable' of format 'postgres') does not exist. Create it, or set createTableIfNotExists: true to create it from the first batch's schema.`, {
    details: { format: 'postgres', option: 'dbtable', table: displayName(table) },
  });
}
