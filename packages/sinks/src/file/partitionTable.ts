import { RecordBatch, Schema, Struct, Table, makeData, type DataType } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { takeRows } from '@sluice/core/connector';
import { checkPartitionType, partitionDirectory } from '@sluice/formats/internal';

/** The rows of one output directory, without the partition columns (they live in the path). */
export interface PartitionGroup {
  /** `day=2024-01-01/kind=click`, or '' without partition columns. */
  readonly directory: string;
  readonly table: Table;
}

/**
 * Split a batch by the values of `columns` into Hive-style directories (`col=value/`, nulls in
 * `__HIVE_DEFAULT_PARTITION__`), dropping those columns from the rows (Spark's layout). Groups
 * come out in order of first appearance, so a replayed batch splits identically.
 */
export function partitionTable(table: Table, columns: readonly string[]): PartitionGroup[] {
  if (columns.length === 0) return [{ directory: '', table }];
  const fields = table.schema.fields;
  const keyIndex = columns.map((c) => {
    const i = fields.findIndex((f) => f.name === c);
    if (i < 0) {
      throw new SluiceError('UNKNOWN_COLUMN', `partitionBy column '${c}' is not in the output; its columns are ${fields.map((f) => f.name).join(', ')}.`, {
        details: { option: 'partitionBy', column: c },
      });
    }
    checkPartitionType(fields[i]!);
    return i;
  });
  if (keyIndex.length === fields.length) {
    throw new SluiceError('INVALID_OPTION', `partitionBy cannot use all columns (${columns.join(', ')}): the data files would hold no column. Leave at least one column out.`, {
      details: { option: 'partitionBy' },
    });
  }
  const dataFields = fields.filter((_, i) => !keyIndex.includes(i));
  const dataSchema = new Schema(dataFields, table.schema.metadata);
  const groups = new Map<string, RecordBatch[]>();
  for (const batch of table.batches) {
    const keys = keyIndex.map((i) => batch.getChildAt(i)!);
    const rows = new Map<string, number[]>();
    for (let r = 0; r < batch.numRows; r++) {
      const directory = keyIndex.map((i, k) => partitionDirectory(fields[i]!.name, keys[k]!.get(r), fields[i]!.type as DataType)).join('/');
      let list = rows.get(directory);
      if (!list) rows.set(directory, (list = []));
      list.push(r);
    }
    for (const [directory, indices] of rows) {
      const taken = indices.length === batch.numRows ? batch : takeRows(batch, Int32Array.from(indices));
      const children = dataFields.map((f) => taken.getChild(f.name)!.data[0]!);
      const dataBatch = new RecordBatch(dataSchema, makeData({ type: new Struct(dataFields), length: taken.numRows, nullCount: 0, children }));
      let list = groups.get(directory);
      if (!list) groups.set(directory, (list = []));
      list.push(dataBatch);
    }
  }
  return [...groups].map(([directory, batches]) => ({ directory, table: new Table(dataSchema, batches) }));
}
