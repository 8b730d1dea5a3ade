import type { Table } from 'apache-arrow';
import { toSchema, type SchemaLike } from '../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../arrow/tables.ts';
import type { OperatorContext } from '../builders/plan.ts';
import type { Operator } from '../builders/streamFrame.ts';
import { SluiceError } from '../errors.ts';

/**
 * Transform each row with a function (the row view: ~1 µs a row, for logic that is easier on
 * objects). Return `null`/`undefined` to drop the row.
 *
 * @example
 * frame.pipe(map((row) => ({ user: String(row.user).trim(), n: Number(row.n) * 2 }), 'user STRING, n INT'))
 */
export function map<In = Record<string, unknown>, Out extends Record<string, unknown> = Record<string, unknown>>(
  fn: (row: In, context: OperatorContext) => Out | null | undefined,
  outputSchema: SchemaLike,
): Operator {
  const schema = toSchema(outputSchema);
  return (frame) =>
    frame.withStep({
      name: `MapRows -> [${schema.fields.map((f) => f.name).join(', ')}]`,
      schema,
      apply: (table, context) => {
        const out: Out[] = [];
        for (const row of tableToRows(table)) {
          const mapped = fn(row as In, context);
          if (mapped != null) out.push(mapped);
        }
        return tableFromRows(schema, out);
      },
    });
}

/**
 * A whole-batch function on Arrow tables, for columnar code of your own. The result must have
 * `outputSchema` (default: the input schema).
 *
 * @example
 * frame.pipe(mapBatches((table) => table.slice(0, 100))) // a whole Arrow table per batch; same schema unless outputSchema is given
 */
export function mapBatches(fn: (table: Table, context: OperatorContext) => Table | Promise<Table>, outputSchema?: SchemaLike): Operator {
  return (frame) => {
    const schema = outputSchema === undefined ? frame.schema : toSchema(outputSchema);
    const expected = schema.fields.map((f) => `${f.name}:${f.type}`).join(', ');
    return frame.withStep({
      name: 'MapBatches',
      schema,
      apply: async (table, context) => {
        const result = await fn(table, context);
        const actual = result.schema.fields.map((f) => `${f.name}:${f.type}`).join(', ');
        if (actual !== expected) throw new SluiceError('SCHEMA_MISMATCH', `mapBatches returned a table of [${actual}] but declared [${expected}].`);
        return result;
      },
    });
  };
}

/**
 * Spark's `DataFrame.transform`: reuse a function that builds on a frame, inside `pipe`.
 *
 * @example
 * const clean = (frame: StreamFrame) => frame.pipe(filter(col('id').isNotNull()), drop('debug'));
 * events.pipe(transform(clean))
 */
export function transform(fn: Operator): Operator {
  return (frame) => fn(frame);
}
