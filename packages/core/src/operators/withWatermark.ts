import { DataType } from 'apache-arrow';
import { StreamFrame, type Operator } from '../builders/streamFrame.ts';
import { SluiceError } from '../errors.ts';
import { fromIntervalString, isNegativeInterval, toMs } from '../time/intervalString.ts';
import { sparkTypeName } from '../arrow/schema.ts';
import { resolveColumn } from './expression.ts';
import type { PlanNode, PlanStep } from '../builders/plan.ts';

/** Options of `withWatermark` beyond the column and delay. */
export interface WithWatermarkOptions {
  /**
   * Let this watermark replace one already set on the stream (the later one wins, as in Spark
   * before it refused a second watermark). Default false: a second `withWatermark` is an error.
   */
  readonly allowMultipleOnSameStream?: boolean;
}

/**
 * Declare `column` the event time and tolerate data up to `delay` late (Spark's
 * `withWatermark`). After each batch the watermark becomes max(event time seen) − delay; stateful
 * operators downstream drop rows older than it and finalize (append mode) or forget windows
 * that end before it. The delay is any Spark interval (`'10 minutes'`, `'1 day 2 hours'`,
 * `'2 years 5 months'` — a month counts 31 days —, `interval '1 2:3:4' day to second`) or ms.
 *
 * @example
 * frame.pipe(withWatermark('timestamp', '10 minutes'), groupBy(window('timestamp', '5 minutes')).agg(count()))
 */
export function withWatermark(column: string, delay: string | number, options: WithWatermarkOptions = {}): Operator {
  // Spark's getDelayMs: microseconds cut to whole milliseconds toward zero.
  const delayMs = typeof delay === 'number' ? delay : Math.trunc(toMs(checkedDelay(delay)));
  if (!Number.isFinite(delayMs) || delayMs < 0) throw negative(delay);
  return (frame) => {
    const path = resolveColumn(column, frame.schema);
    const field = path.at(-1)!.field;
    if (!DataType.isTimestamp(field.type)) {
      throw new SluiceError('TYPE_MISMATCH', `withWatermark needs a timestamp column, but '${column}' is ${sparkTypeName(field.type)}.`);
    }
    const earlier = watermarkSteps(frame.node);
    if (earlier.length > 0 && !options.allowMultipleOnSameStream) {
      throw new SluiceError(
        'INVALID_QUERY',
        `withWatermark('${column}') on a stream that already has a watermark on '${earlier[0]!.watermark!.column}': a stream has one event-time column. Remove one of them, or pass { allowMultipleOnSameStream: true } to let the later one replace the earlier.`,
      );
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
    const input = earlier.length > 0 ? new StreamFrame(withoutWatermarks(frame.node)) : frame;
    return input.withStep(step);
  };
}

function checkedDelay(delay: string) {
  const interval = fromIntervalString(delay);
  if (isNegativeInterval(interval)) throw negative(delay);
  return interval;
}

function negative(delay: string | number): SluiceError {
  return new SluiceError('INVALID_OPTION', `withWatermark delay threshold (${delay}) should not be negative.`);
}

function watermarkSteps(node: PlanNode): PlanStep[] {
  if (node.kind === 'source') return [];
  if (node.kind === 'union') return node.inputs.flatMap(watermarkSteps);
  if (node.kind === 'join') return node.inputs.flatMap(watermarkSteps);
  return [...(node.step.watermark ? [node.step] : []), ...watermarkSteps(node.input)];
}

/** The plan with earlier watermark steps turned into pass-throughs (the later watermark wins). */
function withoutWatermarks(node: PlanNode): PlanNode {
  if (node.kind === 'source') return node;
  if (node.kind === 'union') return { ...node, inputs: node.inputs.map(withoutWatermarks) };
  if (node.kind === 'join') return { ...node, inputs: [withoutWatermarks(node.inputs[0]), withoutWatermarks(node.inputs[1])] };
  const input = withoutWatermarks(node.input);
  if (!node.step.watermark) return input === node.input ? node : { ...node, input };
  const { watermark: _replaced, ...rest } = node.step;
  return { ...node, input, step: { ...rest, name: `${node.step.name} (replaced)`, apply: (table) => table } };
}
