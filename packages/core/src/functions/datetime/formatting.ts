import { Int64, TimestampMillisecond, Utf8, DateDay } from 'apache-arrow';
import { materialize, type BoundExpression } from '../../expressions/bound.ts';
import { Utf8Builder } from '../../expressions/kernels/utf8.ts';
import { isStringType, STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { compilePattern, emptyFields, localFields, PatternError, type DatetimePattern } from '../../time/datetimePattern.ts';
import { MS_PER_DAY } from '../../time/civil.ts';
import type { ZoneRules } from '../../time/timeZone.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { readNumbers, timestampArg, zoneOf } from './datetimeArguments.ts';

export const DEFAULT_TIMESTAMP_PATTERN = 'yyyy-MM-dd HH:mm:ss';

/** The pattern of a constant format argument, or a caret error (`invalid` decides: throw, or give null as Spark does for some functions). */
function constantPattern(call: CallContext, index: number, onInvalid: 'error' | 'null'): DatetimePattern | null {
  const value = call.args[index]!.constant!.value;
  if (value === null) return null;
  try {
    return compilePattern(String(value));
  } catch (error) {
    if (onInvalid === 'null' || !(error instanceof PatternError)) return null;
    return call.fail(`invalid datetime pattern '${String(value)}': ${error.message}`, index, 'INVALID_QUERY');
  }
}

/**
 * A timestamp column formatted with a pattern, column at a time (one fields object reused). Rows
 * in the same unit as the previous row (the pattern's finest field: the same minute for
 * `yyyy-MM-dd HH:mm`) reuse its text: event times arrive nearly in order, so most rows do.
 */
function formatColumn(name: string, input: BoundExpression, pattern: DatetimePattern, zone: ZoneRules, toMs: (v: number) => number = (v) => v): BoundExpression {
  const unit = pattern.finestUnitMs;
  return {
    name,
    type: new Utf8(),
    evaluate: (batch, context) => {
      const { values, validity } = readNumbers(input, batch, context);
      const n = values.length;
      const builder = new Utf8Builder(n, n * (pattern.text.length + 4));
      const fields = emptyFields(zone);
      let lastKey = NaN;
      let lastOffset = NaN;
      let lastText = '';
      for (let i = 0; i < n; i++) {
        if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) {
          builder.appendNull();
          continue;
        }
        const ms = toMs(values[i]!);
        const offset = zone.fixed ?? zone.offsetAt(ms);
        const key = Math.floor((ms + offset) / unit);
        if (key !== lastKey || offset !== lastOffset) {
          lastText = pattern.format(localFields(ms, zone, fields));
          lastKey = key;
          lastOffset = offset;
        }
        builder.append(lastText);
      }
      return builder.finish();
    },
  };
}

function formatWithPattern(call: CallContext, input: BoundExpression, formatIndex: number, onInvalid: 'error' | 'null', toMs?: (v: number) => number): BoundExpression {
  const zone = zoneOf(call);
  const format = argAs(call, formatIndex, STRING());
  if (format.constant) {
    const pattern = constantPattern(call, formatIndex, onInvalid);
    if (!pattern) return rowFunction(call.outputName, new Utf8(), [input], () => null);
    return formatColumn(call.outputName, input, pattern, zone, toMs);
  }
  const fields = emptyFields(zone);
  return rowFunction(call.outputName, new Utf8(), [input, format], (v, f) => {
    let pattern: DatetimePattern;
    try {
      pattern = compilePattern(f as string);
    } catch {
      return null;
    }
    return pattern.format(localFields((toMs ?? ((x: number) => x))(v as number), zone, fields));
  });
}

export const dateFormatFunction: ScalarFunctionDefinition = {
  name: 'date_format',
  family: 'datetime',
  arity: [2, 2],
  doc: {
    usage: 'date_format(timestamp, fmt)',
    description: 'A timestamp (or date, or string) as text in the session time zone, with Spark\'s datetime pattern `fmt` (`yyyy-MM-dd HH:mm:ss.SSS`, `EEE`, `MMM` …).',
    examples: [{ sql: "date_format('2016-04-08', 'y')", result: '2016' }, { sql: "date_format(TIMESTAMP '2023-08-18 09:13:14.123', 'yyyy-MM-dd HH:mm:ss.SSS EEE MMM a')", result: '2023-08-18 09:13:14.123 Fri Aug AM' }],
  },
  bind: (call) => formatWithPattern(call, timestampArg(call, 0), 1, 'error'),
};

export const fromUnixtimeFunction: ScalarFunctionDefinition = {
  name: 'from_unixtime',
  family: 'datetime',
  arity: [1, 2],
  doc: {
    usage: "from_unixtime(seconds[, fmt])",
    description: `Seconds since the epoch as text in the session time zone (default format '${DEFAULT_TIMESTAMP_PATTERN}'); null for an invalid format.`,
    examples: [{ sql: "from_unixtime(0, 'yyyy-MM-dd HH:mm:ss')", result: '1970-01-01 00:00:00' }],
  },
  bind: (call) => {
    const seconds = argAs(call, 0, new Int64());
    if (call.args.length === 1) {
      return formatColumn(call.outputName, seconds, compilePattern(DEFAULT_TIMESTAMP_PATTERN), zoneOf(call), (s) => s * 1000);
    }
    return formatWithPattern(call, seconds, 1, 'null', (s) => s * 1000);
  },
};

/** `to_timestamp(str[, fmt])`, `to_date`, `unix_timestamp` all parse with a pattern (null when the text does not match). */
function parseWithPattern(call: CallContext, text: BoundExpression, formatIndex: number | null, result: (ms: number) => unknown, type: import('apache-arrow').DataType): BoundExpression {
  const zone = zoneOf(call);
  if (formatIndex === null) return rowFunction(call.outputName, type, [text], (s) => {
    const pattern = compilePattern(DEFAULT_TIMESTAMP_PATTERN);
    const ms = pattern.parse(s as string, zone);
    return ms === null ? null : result(ms);
  });
  const format = argAs(call, formatIndex, STRING());
  if (format.constant) {
    let pattern: DatetimePattern | null = null;
    try {
      pattern = format.constant.value === null ? null : compilePattern(String(format.constant.value));
    } catch {
      pattern = null;
    }
    return rowFunction(call.outputName, type, [text], (s) => {
      const ms = pattern ? pattern.parse(s as string, zone) : null;
      return ms === null ? null : result(ms);
    });
  }
  return rowFunction(call.outputName, type, [text, format], (s, f) => {
    let pattern: DatetimePattern;
    try {
      pattern = compilePattern(f as string);
    } catch {
      return null;
    }
    const ms = pattern.parse(s as string, zone);
    return ms === null ? null : result(ms);
  });
}

export const toTimestampFunction: ScalarFunctionDefinition = {
  name: 'to_timestamp',
  family: 'datetime',
  arity: [1, 2],
  doc: {
    usage: 'to_timestamp(str[, fmt])',
    description: 'Text parsed as a timestamp with the pattern `fmt` in the session time zone (without `fmt`, as a cast); null when it does not match.',
    examples: [{ sql: "cast(to_timestamp('2016-12-31 00:12:00') as string)", result: '2016-12-31 00:12:00' }, { sql: "cast(to_timestamp('2016-12-31', 'yyyy-MM-dd') as string)", result: '2016-12-31 00:00:00' }],
  },
  bind: (call) => {
    const input = call.args[0]!;
    if (call.args.length === 1 || !isStringType(input.type)) return { ...timestampArg(call, 0), name: call.outputName };
    return parseWithPattern(call, input, 1, (ms) => ms, new TimestampMillisecond());
  },
};

export const toDateFunction: ScalarFunctionDefinition = {
  name: 'to_date',
  family: 'datetime',
  arity: [1, 2],
  doc: {
    usage: 'to_date(str[, fmt])',
    description: 'Text parsed as a date with the pattern `fmt` (without `fmt`, as a cast); null when it does not match.',
    examples: [{ sql: "cast(to_date('2009-07-30 04:17:52') as string)", result: '2009-07-30' }, { sql: "cast(to_date('2016-12-31', 'yyyy-MM-dd') as string)", result: '2016-12-31' }],
  },
  bind: (call) => {
    const input = call.args[0]!;
    if (call.args.length === 1 || !isStringType(input.type)) return { ...argAs(call, 0, new DateDay()), name: call.outputName };
    const zone = zoneOf(call);
    return parseWithPattern(call, input, 1, (ms) => Math.floor((ms + zone.offsetAt(ms)) / MS_PER_DAY), new DateDay());
  },
};

function unixTimestampDefinition(name: string, minArgs: number): ScalarFunctionDefinition {
  return {
    name,
    family: 'datetime',
    arity: [minArgs, 2],
    doc: {
      usage: `${name}(${minArgs === 0 ? '[' : ''}timestamp | date | str[, fmt]${minArgs === 0 ? ']' : ''})`,
      description: `Seconds since the epoch of a timestamp, a date (its midnight in the session time zone) or text parsed with \`fmt\` (default '${DEFAULT_TIMESTAMP_PATTERN}')${minArgs === 0 ? '; without arguments, of the batch timestamp' : ''}. Null when the text does not match.`,
      examples: [{ sql: `${name}('2016-04-08', 'yyyy-MM-dd')`, result: 1460073600n }],
    },
    bind: (call) => {
      if (call.args.length === 0) {
        return { name: call.outputName, type: new Int64(), foldable: false, evaluate: (batch, context) => materialize(new Int64(), BigInt(Math.floor(context.batchTimestampMs / 1000)), batch.numRows) };
      }
      const input = call.args[0]!;
      const seconds = (ms: number) => BigInt(Math.floor(ms / 1000));
      if (!isStringType(input.type)) {
        return rowFunction(call.outputName, new Int64(), [timestampArg(call, 0)], (ms) => seconds(ms as number));
      }
      return parseWithPattern(call, input, call.args.length === 2 ? 1 : null, seconds, new Int64());
    },
  };
}

export const unixTimestampFunction = unixTimestampDefinition('unix_timestamp', 0);
export const toUnixTimestampFunction = unixTimestampDefinition('to_unix_timestamp', 1);

/**
 * Spark's `date_format(timestamp, fmt)`: A timestamp (or date, or string) as text in the session time zone, with Spark's datetime pattern `fmt` (`yyyy-MM-dd HH:mm:ss.SSS`, `EEE`, `MMM` …).
 *
 * @example
 * withColumn('dateFormat', dateFormat(col('ts'), 'y'))
 * // in SQL: date_format('2016-04-08', 'y') → '2016'
 */
export function dateFormat(column: ColumnLike, format: string): Column {
  return callColumn('date_format', colArg(column), litArg(format));
}
/**
 * Spark's `from_unixtime(seconds[, fmt])`: Seconds since the epoch as text in the session time zone (default format 'yyyy-MM-dd HH:mm:ss'); null for an invalid format.
 *
 * @example
 * withColumn('fromUnixtime', fromUnixtime(col('ts')))
 * // in SQL: from_unixtime(0, 'yyyy-MM-dd HH:mm:ss') → '1970-01-01 00:00:00'
 */
export function fromUnixtime(column: ColumnLike, format = DEFAULT_TIMESTAMP_PATTERN): Column {
  return callColumn('from_unixtime', colArg(column), litArg(format));
}
/**
 * Spark's `to_timestamp(str[, fmt])`: Text parsed as a timestamp with the pattern `fmt` in the session time zone (without `fmt`, as a cast); null when it does not match.
 *
 * @example
 * withColumn('toTimestamp', toTimestamp(col('ts')))
 * // in SQL: cast(to_timestamp('2016-12-31 00:12:00') as string) → '2016-12-31 00:12:00'
 */
export function toTimestamp(column: ColumnLike, format?: string): Column {
  return format === undefined ? callColumn('to_timestamp', colArg(column)) : callColumn('to_timestamp', colArg(column), litArg(format));
}
/**
 * Spark's `to_date(str[, fmt])`: Text parsed as a date with the pattern `fmt` (without `fmt`, as a cast); null when it does not match.
 *
 * @example
 * withColumn('toDate', toDate(col('ts')))
 * // in SQL: cast(to_date('2009-07-30 04:17:52') as string) → '2009-07-30'
 */
export function toDate(column: ColumnLike, format?: string): Column {
  return format === undefined ? callColumn('to_date', colArg(column)) : callColumn('to_date', colArg(column), litArg(format));
}
/**
 * Spark's `unix_timestamp([timestamp | date | str[, fmt]])`: Seconds since the epoch of a timestamp, a date (its midnight in the session time zone) or text parsed with `fmt` (default 'yyyy-MM-dd HH:mm:ss'); without arguments, of the batch timestamp. Null when the text does not match.
 *
 * @example
 * withColumn('epochSeconds', unixTimestamp(col('ts')))
 * // in SQL: unix_timestamp('2016-04-08', 'yyyy-MM-dd') → 1460073600
 */
export function unixTimestamp(column?: ColumnLike, format = DEFAULT_TIMESTAMP_PATTERN): Column {
  return column === undefined ? callColumn('unix_timestamp') : callColumn('unix_timestamp', colArg(column), litArg(format));
}
