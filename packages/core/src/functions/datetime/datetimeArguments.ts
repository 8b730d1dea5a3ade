import { DateDay, TimestampMillisecond, type RecordBatch } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import type { OperatorContext } from '../../builders/plan.ts';
import { materialize, type BoundExpression } from '../../expressions/bound.ts';
import { validityOf, type Bitmap } from '../../expressions/kernels/bits.ts';
import { numbersOf, type NumberArray } from '../../expressions/kernels/numbers.ts';
import { isDateType, isDatetimeType, isNullType, isStringType, isTimestampType } from '../../expressions/types.ts';
import { requireZone, type ZoneRules } from '../../time/timeZone.ts';
import { argAs } from '../arguments.ts';
import type { CallContext } from '../registry.ts';

/** Argument `index` as a DATE (timestamps and strings are cast, as Spark's implicit casts do). */
export function dateArg(call: CallContext, index: number): BoundExpression {
  const arg = call.args[index]!;
  if (isDateType(arg.type)) return arg;
  if (!isDatetimeType(arg.type) && !isStringType(arg.type) && !isNullType(arg.type)) call.fail(`argument ${index + 1} must be a date, timestamp or string, but ${arg.name} is ${sparkTypeName(arg.type)}`, index);
  return argAs(call, index, new DateDay());
}

/** Argument `index` as a TIMESTAMP (dates and strings are cast). */
export function timestampArg(call: CallContext, index: number): BoundExpression {
  const arg = call.args[index]!;
  if (isTimestampType(arg.type)) return arg;
  if (!isDatetimeType(arg.type) && !isStringType(arg.type) && !isNullType(arg.type)) call.fail(`argument ${index + 1} must be a timestamp, date or string, but ${arg.name} is ${sparkTypeName(arg.type)}`, index);
  return argAs(call, index, new TimestampMillisecond());
}

/** The session time zone the call was bound in. */
export function zoneOf(call: CallContext): ZoneRules {
  return requireZone(call.scope.timeZone);
}

/** A date (days) or timestamp (ms) column read as numbers, with its validity. */
export function readNumbers(arg: BoundExpression, batch: RecordBatch, context: OperatorContext): { values: NumberArray; validity: Bitmap } {
  const data = (arg.constant ? materialize(arg.type, arg.constant.value, batch.numRows) : arg.evaluate(batch, context)).data[0]!;
  return { values: numbersOf(data).values, validity: validityOf(data) };
}
