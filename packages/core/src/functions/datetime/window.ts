import { Field, Struct, TimestampMillisecond } from 'apache-arrow';
import type { ExprNode } from '../../expressions/node.ts';
import { windowKeyOf } from '../../sql/aggregation.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { timestampArg } from './datetimeArguments.ts';
import { gapOf } from '../../operators/sessionWindow.ts';

export const WINDOW_STRUCT = () => new Struct([new Field('start', new TimestampMillisecond(), true), new Field('end', new TimestampMillisecond(), true)]);

export const windowFunction: ScalarFunctionDefinition = {
  name: 'window',
  family: 'datetime',
  arity: [2, 4],
  doc: {
    usage: "window(timeColumn, windowDuration[, slideDuration[, startTime]])",
    description: 'The tumbling event-time window holding each timestamp, as struct<start, end>; sliding windows in GROUP BY (or groupBy) or as a select item of their own (one row per window). Rows whose time is null are dropped.',
    examples: [],
  },
  bind: (call) => {
    const spec = windowKeyOf(call.node as Extract<ExprNode, { op: 'call' }>);
    if (spec.slideMs !== spec.sizeMs) call.fail('a sliding window makes several rows per input row: use it as a grouping key (GROUP BY window(…) or groupBy(window(…))) or as a select item of its own', 2, 'INVALID_QUERY');
    const ts = timestampArg(call, 0);
    return rowFunction('window', WINDOW_STRUCT(), [ts], (ms) => {
      const start = spec.startsOf(ms as number)[0]!;
      return { start, end: start + spec.sizeMs };
    });
  },
};

export const sessionWindowFunction: ScalarFunctionDefinition = {
  name: 'session_window',
  family: 'datetime',
  arity: [2, 2],
  doc: {
    usage: 'session_window(timeColumn, gapDuration)',
    description:
      "The session a row opens, [time, time + gap), as struct<start, end>; in GROUP BY (or groupBy) sessions of a key merge. The gap is a duration ('10 seconds', an interval) or an expression giving one per row; rows whose time is null, or whose gap is not a positive duration, are dropped.",
    examples: [],
  },
  bind: (call) => {
    const ts = timestampArg(call, 0);
    // Spark's SessionWindowing: end = time + gap; a gap that is not a positive interval gives no session.
    return rowFunction('session_window', WINDOW_STRUCT(), [ts, call.args[1]!], (ms, gap) => {
      const gapMs = gapOf(gap);
      return gapMs === null || !(gapMs > 0) ? null : { start: ms as number, end: (ms as number) + gapMs };
    });
  },
};
