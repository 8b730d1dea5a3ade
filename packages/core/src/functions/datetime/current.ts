import { DateDay, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { materialize } from '../../expressions/bound.ts';
import { MS_PER_DAY } from '../../time/civil.ts';
import { requireZone } from '../../time/timeZone.ts';
import type { Column } from '../../operators/column.ts';
import { callColumn } from '../build.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { constantExpression } from '../../expressions/bound.ts';

export const currentTimestampFunction: ScalarFunctionDefinition = {
  name: 'current_timestamp',
  aliases: ['now', 'localtimestamp'],
  family: 'datetime',
  arity: [0, 0],
  doc: {
    usage: 'current_timestamp() | current_timestamp | now()',
    description: "The batch's timestamp, frozen in the offset log when the batch is planned: every row of a batch, and a replay of it, gets the same value.",
    examples: [],
  },
  bind: (call) => ({
    name: call.node.name.toLowerCase() === 'now' ? 'now()' : 'current_timestamp()',
    type: new TimestampMillisecond(),
    foldable: false,
    evaluate: (batch, context) => materialize(new TimestampMillisecond(), context.batchTimestampMs, batch.numRows),
  }),
};

export const currentDateFunction: ScalarFunctionDefinition = {
  name: 'current_date',
  aliases: ['curdate'],
  family: 'datetime',
  arity: [0, 0],
  doc: { usage: 'current_date() | current_date', description: "The batch timestamp's date in the session time zone.", examples: [] },
  bind: (call) => {
    const zone = requireZone(call.scope.timeZone);
    return {
      name: 'current_date()',
      type: new DateDay(),
      foldable: false,
      evaluate: (batch, context) => materialize(new DateDay(), Math.floor((context.batchTimestampMs + zone.offsetAt(context.batchTimestampMs)) / MS_PER_DAY), batch.numRows),
    };
  },
};

export const currentTimezoneFunction: ScalarFunctionDefinition = {
  name: 'current_timezone',
  family: 'datetime',
  arity: [0, 0],
  doc: { usage: 'current_timezone()', description: 'The session time zone the query was defined with (spark.sql.session.timeZone).', examples: [] },
  bind: (call) => constantExpression('current_timezone()', new Utf8(), call.scope.timeZone),
};

/**
 * Spark's `current_date() | current_date`: The batch timestamp's date in the session time zone.
 *
 * @example
 * withColumn('today', currentDate())
 */
export function currentDate(): Column {
  return callColumn('current_date');
}
