import { Binary, Field, Schema, type Table } from 'apache-arrow';
import { tableToRows } from '../../arrow/tables.ts';
import { eventTimeColumns } from '../../builders/eventTime.ts';
import type { StreamFrame } from '../../builders/streamFrame.ts';
import { SluiceError } from '../../errors.ts';
import { RowCodec } from '../../state/codec/rowCodec.ts';
import { toLatin1 } from '../../state/latin1.ts';
import { resolveColumn } from '../expression.ts';
import { isLate } from './eventTimeRange.ts';

/** The rows of one grouping key in a batch, as user functions see them. */
export interface KeyGroup {
  /** The key as a row object of the grouping columns. */
  readonly key: Record<string, unknown>;
  /** The key's values in grouping-column order. */
  readonly values: readonly unknown[];
  /** The key's bytes in the grouping-key codec: its partition, and the key of its entries. */
  readonly bytes: Uint8Array;
  readonly rows: Record<string, unknown>[];
}

/** What `groupByKey(...)` bound: the key columns, their codec, and the event-time column of the input. */
export interface GroupingKey {
  readonly columns: readonly string[];
  readonly schema: Schema;
  readonly codec: RowCodec;
  /** The input's watermarked column (late rows are dropped by it), or null. */
  readonly eventTime: string | null;
}

/** Bind `groupByKey` columns on a frame (top-level columns, at least one). */
export function bindGroupingKey(frame: StreamFrame, columns: readonly string[], operator: string): GroupingKey {
  if (columns.length === 0) throw new SluiceError('INVALID_QUERY', `${operator} needs grouping columns: groupByKey('user', …).`);
  const fields = columns.map((name) => {
    const path = resolveColumn(name, frame.schema);
    if (path.length !== 1) throw new SluiceError('INVALID_QUERY', `${operator} groups by top-level columns, not '${name}': select the field as a column first.`);
    const field = frame.schema.fields[path[0]!.index]!;
    return new Field(field.name, field.type, true);
  });
  const schema = new Schema(fields);
  const watermarked = eventTimeColumns(frame.node);
  const eventTime = frame.schema.fields.find((f) => watermarked.has(f.name))?.name ?? null;
  return { columns: fields.map((f) => f.name), schema, codec: new RowCodec(schema, 'ordered', 'grouping key'), eventTime };
}

/** A key space column that holds a grouping key's bytes (indexes keyed by time first). */
export const groupKeyBytesField = () => new Field('groupingKey', new Binary(), false);

/**
 * The batch's rows by grouping key, in order of first appearance; rows whose event time is at
 * or below `lateWatermarkMs` are dropped and counted (pass 0 to keep every row).
 */
export function groupRows(key: GroupingKey, table: Table, lateWatermarkMs: number): { groups: KeyGroup[]; late: number } {
  const groups = new Map<string, KeyGroup>();
  let late = 0;
  for (const row of tableToRows(table)) {
    if (key.eventTime !== null && isLate((row[key.eventTime] as number | null) ?? null, lateWatermarkMs)) {
      late++;
      continue;
    }
    const values = key.columns.map((c) => row[c] ?? null);
    const bytes = key.codec.encode(values);
    const id = toLatin1(bytes);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key: Object.fromEntries(key.columns.map((c, i) => [c, values[i]])), values, bytes, rows: [] }));
    group.rows.push(row);
  }
  return { groups: [...groups.values()], late };
}

/** A key group without rows (a timer or timeout firing), from the key's bytes. */
export function keyGroupOf(key: GroupingKey, bytes: Uint8Array): KeyGroup {
  const values = key.codec.decode(bytes);
  return { key: Object.fromEntries(key.columns.map((c, i) => [c, values[i]])), values, bytes, rows: [] };
}
