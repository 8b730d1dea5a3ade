import { Field, Schema, TimestampMillisecond, Binary } from 'apache-arrow';
import { eventTimeColumns } from '../../builders/eventTime.ts';
import type { PlanStep } from '../../builders/plan.ts';
import type { Operator, StreamFrame } from '../../builders/streamFrame.ts';
import { SluiceError } from '../../errors.ts';
import { resolveColumn } from '../expression.ts';
import { dedupBatch, type DedupPlan } from './dedupBatch.ts';

/**
 * Drop rows whose key columns were seen before, across the whole stream (Spark's
 * `dropDuplicates`); without columns, the key is the whole row. The first row of each key
 * passes, the others are dropped. Seen keys live in the state store, one entry each. With a
 * watermark on a key column the state stays bounded: rows at or below the watermark are dropped
 * as late, and keys whose event time the watermark passed are forgotten; without one, every key
 * is kept for good.
 *
 * @example
 * events.pipe(withWatermark('eventTime', '10 minutes'), dropDuplicates('eventId', 'eventTime'))
 */
export function dropDuplicates(...columns: readonly (string | readonly string[])[]): Operator {
  return (frame) => {
    const keys = keyColumns(frame, columns.flat(), 'dropDuplicates');
    const watermarked = eventTimeColumns(frame.node);
    // Spark: the watermark applies only when the event-time column is one of the keys.
    const eventTime = keys.find((k) => watermarked.has(frame.schema.fields[k]!.name)) ?? -1;
    const ordered = eventTime >= 0 ? [eventTime, ...keys.filter((k) => k !== eventTime)] : keys;
    const fields = frame.schema.fields;
    const key = new Schema(ordered.map((k) => new Field(fields[k]!.name, fields[k]!.type, true)));
    const step: PlanStep = {
      name: `StreamingDeduplicate [${keys.map((k) => fields[k]!.name).join(', ')}]${eventTime >= 0 ? `, evicts by ${fields[eventTime]!.name}` : ''}`,
      schema: frame.schema,
      stateful: {
        operatorName: 'dedupe',
        kind: 'dedupe',
        // Spark 3.5 keeps no value for a seen key, so the input may gain columns across restarts.
        stateSchema: { keySpaces: [{ name: 'default', key, value: new Schema([]), ordered: eventTime >= 0 }] },
        aggregates: false,
        eventTimeKey: eventTime >= 0,
      },
      apply: (table, context) => dedupBatch(plan, table, context),
    };
    const plan: DedupPlan = { step, keyColumns: ordered, eventTimeColumn: eventTime, eviction: eventTime >= 0 ? 'keyed' : 'forever', delayMs: 0 };
    return frame.withStep(step);
  };
}

/**
 * Drop rows whose key columns were seen within the watermark delay (Spark 3.5's
 * `dropDuplicatesWithinWatermark`): the first row of a key passes and holds the key until the
 * watermark passes its event time + the delay; the event time need not be a key column, so
 * duplicates whose timestamps differ (a producer's retry) are caught too. Needs a watermark.
 *
 * @example
 * events.pipe(withWatermark('eventTime', '1 hour'), dropDuplicatesWithinWatermark('eventId'))
 */
export function dropDuplicatesWithinWatermark(...columns: readonly (string | readonly string[])[]): Operator {
  return (frame) => {
    const keys = keyColumns(frame, columns.flat(), 'dropDuplicatesWithinWatermark');
    const watermarked = eventTimeColumns(frame.node);
    const fields = frame.schema.fields;
    const eventTime = fields.findIndex((f) => watermarked.has(f.name));
    if (eventTime < 0) {
      throw new SluiceError(
        'INVALID_QUERY',
        'dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark: set one with withWatermark(eventTimeColumn, delay) before it, on this stream.',
      );
    }
    const delayMs = watermarked.get(fields[eventTime]!.name)!;
    const key = new Schema(keys.map((k) => new Field(fields[k]!.name, fields[k]!.type, true)));
    const step: PlanStep = {
      name: `StreamingDeduplicateWithinWatermark [${keys.map((k) => fields[k]!.name).join(', ')}], expires ${fields[eventTime]!.name} + ${delayMs} ms`,
      schema: frame.schema,
      stateful: {
        operatorName: 'dedupeWithinWatermark',
        kind: 'dedupeWithinWatermark',
        stateSchema: {
          keySpaces: [
            { name: 'default', key, value: new Schema([new Field('expiresAtMs', new TimestampMillisecond(), true)]) },
            // Expiry index: eviction reads only the keys whose time is up.
            { name: 'expiry', key: new Schema([new Field('expiresAtMs', new TimestampMillisecond(), true), new Field('key', new Binary(), false)]), value: new Schema([]), ordered: true, internal: true },
          ],
        },
        aggregates: false,
        eventTimeKey: true,
      },
      apply: (table, context) => dedupBatch(plan, table, context),
    };
    const plan: DedupPlan = { step, keyColumns: keys, eventTimeColumn: eventTime, eviction: 'expiring', delayMs };
    return frame.withStep(step);
  };
}

/** Input column indexes of the key: the named top-level columns, or every column. */
function keyColumns(frame: StreamFrame, names: readonly string[], operator: string): number[] {
  if (names.length === 0) return frame.schema.fields.map((_, i) => i);
  const out: number[] = [];
  for (const name of names) {
    const path = resolveColumn(name, frame.schema);
    if (path.length !== 1) throw new SluiceError('INVALID_QUERY', `${operator} takes top-level column names, not '${name}': select the field as a column first.`);
    if (!out.includes(path[0]!.index)) out.push(path[0]!.index);
  }
  return out;
}
