import { DataType } from 'apache-arrow';
import type { Operator } from '../builders/streamFrame.ts';
import { SluiceError } from '../errors.ts';
import { parseDuration } from '../options/units.ts';
import { sparkTypeName } from '../arrow/schema.ts';
import { resolveColumn } from './expression.ts';
import type { PlanStep } from '../builders/plan.ts';

/**
 * Declare `column` the event time and tolerate data up to `delay` late (Spark's
 * `withWatermark`). After each batch the watermark becomes max(event time seen) − delay; stateful
 * operators downstream drop rows older than it and finalize (append mode) or forget windows
 * that end before it.
 *
 * @example
 * frame.pipe(withWatermark('timestamp', '10 minutes'), groupBy(window('timestamp', '5 minutes')).agg(count()))
 */
export function withWatermark(column: string, delay: string | number): Operator {
  const delayMs = parseDuration(delay, 'ms');
  if (delayMs === undefined) throw new SluiceError('INVALID_OPTION', `withWatermark delay ${JSON.stringify(delay)} is not a duration; use e.g. "10 minutes" or milliseconds.`);
  return (frame) => {
    const path = resolveColumn(column, frame.schema);
    const field = path.at(-1)!.field;
    if (!DataType.isTimestamp(field.type)) {
      throw new SluiceError('TYPE_MISMATCH', `withWatermark needs a timestamp column, but '${column}' is ${sparkTypeName(field.type)}.`);
    }
    const step: PlanStep = {
      name: `EventTimeWatermark ${column}, ${delayMs} ms`,
      schema: frame.schema,
      watermark: { column: field.name, delayMs },
      apply: (table, context) => {
        let min = Infinity;
        let max = -Infinity;
        let sum = 0;
        let count = 0;
        for (const batch of table.batches) {
          let vector = batch.getChildAt(path[0]!.index)!;
          for (const p of path.slice(1)) vector = vector.getChildAt(p.index)!;
          for (let i = 0; i < vector.length; i++) {
            const t = vector.get(i) as number | null;
            if (t === null) continue;
            if (t < min) min = t;
            if (t > max) max = t;
            sum += t;
            count++;
          }
        }
        if (count > 0) context.observeEventTime(step, { min, max, sum, count });
        return table;
      },
    };
    return frame.withStep(step);
  };
}
