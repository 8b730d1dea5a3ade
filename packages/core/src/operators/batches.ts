import { Field, makeData, RecordBatch, Schema, Struct, Table, type Vector } from 'apache-arrow';

/** A record batch of `schema` from one single-chunk vector per field. */
export function recordBatchOf(schema: Schema, columns: readonly Vector[], length: number): RecordBatch {
  const children = columns.map((c) => c.data[0]!);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/** Apply `fn` to each record batch, keeping batch boundaries (they are the partitions foreach sees). */
export function mapRecordBatches(table: Table, schema: Schema, fn: (batch: RecordBatch) => RecordBatch): Table {
  return new Table(schema, table.batches.map(fn));
}

/** A nullable field (expression results are nullable, as in Spark). */
export function fieldOf(name: string, vectorType: Field['type']): Field {
  return new Field(name, vectorType, true);
}
