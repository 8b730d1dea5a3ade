import { Binary, Field, Schema, Struct, TimestampMillisecond } from 'apache-arrow';
import { eventTimeColumns } from '../../builders/eventTime.ts';
import type { PlanStep } from '../../builders/plan.ts';
import type { StreamFrame } from '../../builders/streamFrame.ts';
import { SluiceError } from '../../errors.ts';
import { Aggregate, aggregateKind } from '../aggregates.ts';
import { col, describeExpression, type ColumnLike } from '../column.ts';
import { bindExpression, type BoundExpression } from '../expression.ts';
import { SessionWindowSpec } from '../sessionWindow.ts';
import type { BoundAggregate } from './aggregateBatch.ts';
import { sessionBatch, type SessionPlan } from './sessionBatch.ts';

const SESSION_TYPE = () => new Struct([new Field('start', new TimestampMillisecond(), true), new Field('end', new TimestampMillisecond(), true)]);

/**
 * `groupBy(sessionWindow(...), ...keys).agg(...)` on the state store. Each grouping key keeps its
 * open sessions in the `sessions` key space, keyed by (key, session start) so one prefix scan
 * reads a key's sessions; an ordered `byEnd` index (session end first) lets eviction read only
 * the sessions the watermark closed. A batch reads the sessions of the keys its rows touch,
 * merges rows and sessions that overlap or touch (a row may bridge two stored sessions), and
 * rewrites only the sessions that changed.
 */
export function sessionAggregateOperator(frame: StreamFrame, keys: readonly (ColumnLike | SessionWindowSpec)[], aggregates: readonly Aggregate[]): StreamFrame {
  const schema = frame.schema;
  const sessionAt = keys.findIndex((k) => k instanceof SessionWindowSpec);
  if (keys.filter((k) => k instanceof SessionWindowSpec).length > 1) throw new SluiceError('INVALID_QUERY', 'Multiple session windows in one groupBy are not supported (as in Spark): group by one session_window.');
  const session = keys[sessionAt] as SessionWindowSpec;
  const others = keys.filter((k, i) => i !== sessionAt) as ColumnLike[];
  // Refused when the query starts, after the output-mode checks (Spark answers an update-mode
  // query without a key with the update-mode refusal).
  const refusal = others.length === 0
    ? new SluiceError('INVALID_QUERY', 'Global aggregation with session window in streaming query is not supported: a session needs a key to belong to. Group by the session window and at least one other column.')
    : undefined;
  const time = bindExpression(col(session.column).node, schema);
  const gap: BoundExpression | number = typeof session.gap === 'number' ? session.gap : bindExpression(session.gap.node, schema);
  const keyBounds = others.map((k) => bindExpression((typeof k === 'string' ? col(k) : k).node, schema));
  const boundAggs: BoundAggregate[] = aggregates.map((a) => {
    const bound = a.input ? bindExpression(a.input.node, schema) : null;
    const label = `${a.fn}(${a.input ? describeExpression(a.input.node) : '*'})`;
    return { bound, kind: aggregateKind(a.fn, bound?.type ?? null, label, a.options), name: a.name ?? (a.fn === 'count' && !a.input ? 'count' : label) };
  });
  const eventTimes = eventTimeColumns(frame.node);
  const watermarked = eventTimes.has(session.column);
  const keyFields = keyBounds.map((b) => new Field(b.name, b.type, true));
  const outFields = keys.map((k, i) => (i === sessionAt ? new Field(session.name, SESSION_TYPE(), true) : keyFields[i < sessionAt ? i : i - 1]!));
  const outSchema = new Schema([...outFields, ...boundAggs.map((a) => new Field(a.name, a.kind.resultType, true))]);
  const sessionsKey = new Schema([...keyFields, new Field('sessionStart', new TimestampMillisecond(), false)]);
  const sessionsValue = new Schema([new Field('sessionEnd', new TimestampMillisecond(), false), ...boundAggs.flatMap((a) => a.kind.stateFields)]);
  const step: PlanStep = {
    name: `SessionWindowStateStoreSave Aggregate [${keys.map(String).join(', ')}] [${boundAggs.map((a) => a.name).join(', ')}]`,
    schema: outSchema,
    stateful: {
      operatorName: 'sessionWindowStateStoreSaveExec',
      kind: 'sessionWindow',
      stateSchema: {
        keySpaces: [
          { name: 'sessions', key: sessionsKey, value: sessionsValue, ordered: true },
          // Eviction index: the sessions by their end, so what the watermark closed is one range scan.
          { name: 'byEnd', key: new Schema([new Field('sessionEnd', new TimestampMillisecond(), false), new Field('session', new Binary(), false)]), value: new Schema([]), ordered: true, internal: true },
        ],
      },
      aggregates: true,
      eventTimeKey: watermarked,
      ...(refusal ? { refusal } : {}),
    },
    // Spark keeps the watermark on the session column: a later operator can finalize by it.
    eventTimeColumns: new Map(watermarked ? [[session.name, eventTimes.get(session.column)!]] : []),
    apply: (table, context) => sessionBatch(plan, table, context),
  };
  const plan: SessionPlan = { step, time, gap, keys: keyBounds, sessionAt, aggregates: boundAggs, outSchema };
  return frame.withStep(step);
}
