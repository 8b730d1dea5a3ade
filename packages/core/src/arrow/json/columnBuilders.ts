import { TimeUnit, Type, type Data, type DataType, type List, type Map_, type Struct, type Timestamp } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { sparkTypeName } from '../schema.ts';
import { ListBuilder, MapBuilder, StructBuilder } from './nestedBuilders.ts';
import { BinaryBuilder, BoolBuilder, Int64Builder, NumberBuilder, Utf8Builder } from './scalarBuilders.ts';
import { parseIsoDateDays, parseIsoTimestampMs } from './temporal.ts';
import { DecimalBuilder } from './decimalBuilder.ts';
import { JsonNumberText } from './exactJson.ts';

export { appendFields, isPlainObject } from './nestedBuilders.ts';

/** Shared by the builders of one parse. */
export interface ParseState {
  /** Set when `JSON.parse` rounded an integer an Int64 needs exact. */
  inexact: boolean;
  /**
   * Set when a value of the record did not fit its type and was left null while the rest of the
   * record was kept (Spark's partial results, `spark.sql.json.enablePartialResults`): the record
   * is then malformed (its text goes to the corrupt-record column) but not lost.
   */
  bad?: boolean;
  /** How text values become timestamps and dates, and whether NaN/Infinity strings are numbers (JSON options). */
  readonly values?: JsonValueOptions;
  /**
   * Set when the values come from JSON text: an integer in a timestamp field is then seconds since
   * the epoch, as Spark's JacksonParser reads it (JsonSuite "Casting long as timestamp"); the text
   * formats that convert values themselves (CSV) hand over epoch milliseconds.
   */
  readonly integerTimestampsAreSeconds?: boolean;
  /**
   * Set when the values are JSON tokens (JSON text, not values a text format converted itself):
   * only a string token is a date then, as in Spark's JacksonParser.
   */
  readonly jsonTokens?: boolean;
  /**
   * Set when a builder took a number whose token kind decides the answer: an integer into an
   * integral or timestamp column, any number into a string column. `JSON.parse` reads `1.0` as
   * the integer 1, where Spark's parser sees a float token (null for an INT, `1.0` for a STRING):
   * a record that sets this and holds an integer-valued float token is read again exactly, where
   * float tokens stay `JsonNumberText`.
   */
  numberTokensMatter?: boolean;
}

/** Value conversions that Spark's JSON options change. */
export interface JsonValueOptions {
  /** Epoch ms of a timestamp text (`timestampFormat`, `timeZone`), undefined when it does not parse. */
  readonly timestamp?: (text: string) => number | undefined;
  /** Epoch days of a date text (`dateFormat`), undefined when it does not parse. */
  readonly date?: (text: string) => number | undefined;
  /** `allowNonNumericNumbers` (default true): the strings "NaN", "Infinity", "-INF" … are float/double values. */
  readonly allowNonNumericNumbers?: boolean;
}

/**
 * Appends parsed JSON values to one Arrow column. `append` returns false when the value's JSON
 * type does not fit the column (the record is then corrupt); `truncate` rolls back a
 * half-appended record.
 */
export interface ColumnBuilder {
  readonly length: number;
  append(value: unknown): boolean;
  appendNull(): void;
  truncate(length: number): void;
  finish(): Data;
}

/**
 * A builder of one Arrow column of `type` from JSON-shaped values (numbers or bigints for
 * integers, epoch-ms numbers (epoch seconds from JSON text) or text for timestamps, epoch-day numbers or `yyyy-MM-dd`
 * for dates, base64 text for binary, arrays, objects), on typed arrays sized for about `capacity`
 * values. Shared by `parseJsonRecords` and the text formats (csv) that convert values themselves.
 *
 * @example const b = columnBuilder(new Int32()); b.append(1); b.appendNull(); makeVector(b.finish())
 */
export function columnBuilder(type: DataType, state: ParseState = { inexact: false }, capacity = 1024): ColumnBuilder {
  switch (type.typeId) {
    case Type.Utf8:
      return new Utf8Builder(type, state);
    case Type.Binary:
      return new BinaryBuilder();
    case Type.Bool:
      return new BoolBuilder(type, capacity);
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      if (!isSigned) break;
      // Spark's integral columns take integer tokens only: a float token (`1.0`, `1e2`) is not one.
      if (bitWidth === 64) return new Int64Builder(type, capacity, state, (v) => tokenSeen(state, int64FromJson(v)));
      const max = 2 ** (bitWidth - 1);
      return new NumberBuilder(type, capacity, (v) => (typeof v === 'number' && Number.isInteger(v) && v >= -max && v < max ? tokenSeen(state, v) : undefined));
    }
    case Type.Float:
      return new NumberBuilder(type, capacity, state.values?.allowNonNumericNumbers === false ? finiteFloatFromJson : floatFromJson);
    case Type.Decimal:
      return new DecimalBuilder({ precision: (type as unknown as { precision: number }).precision, scale: (type as unknown as { scale: number }).scale }, state);
    case Type.Timestamp: {
      const timestamp = timestampFromJson(type as Timestamp, state.values?.timestamp ?? parseIsoTimestampMs, state.integerTimestampsAreSeconds === true);
      return new Int64Builder(type, capacity, state, (v) => (typeof v === 'string' ? timestamp(v) : tokenSeen(state, timestamp(v))));
    }
    case Type.Date: {
      if ((type as unknown as { unit: number }).unit !== 0) break;
      const date = state.values?.date ?? parseIsoDateDays;
      const numbers = state.jsonTokens !== true;
      return new NumberBuilder(type, capacity, (v) => (typeof v === 'string' ? date(v) : numbers && typeof v === 'number' && Number.isInteger(v) ? v : undefined));
    }
    case Type.List:
      return new ListBuilder(type as List, state, capacity);
    case Type.Map:
      return new MapBuilder(type as Map_, state, capacity);
    case Type.Struct:
      return new StructBuilder(type as Struct, state, capacity);
  }
  throw new SluiceError('INVALID_SCHEMA', `Cannot read JSON into a column of type ${sparkTypeName(type)}; use one of string, tinyint, smallint, int, bigint, float, double, decimal, boolean, binary, timestamp, date, array, map, struct.`);
}

/** Notes that a number was taken whose token kind matters (see `ParseState.numberTokensMatter`). */
function tokenSeen<T>(state: ParseState, taken: T): T {
  if (taken !== undefined) state.numberTokensMatter = true;
  return taken;
}

function floatFromJson(v: unknown): number | undefined {
  if (v instanceof JsonNumberText) return v.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  // Spark writes and reads non-finite doubles as strings (allowNonNumericNumbers, default true).
  if (v === 'NaN') return NaN;
  if (v === 'Infinity' || v === '+Infinity' || v === '+INF') return Infinity;
  if (v === '-Infinity' || v === '-INF') return -Infinity;
  return undefined;
}

function finiteFloatFromJson(v: unknown): number | undefined {
  if (v instanceof JsonNumberText) return v.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A number (rounded when unsafe: the caller re-parses), a bigint, or undefined when it is not an integer. */
function int64FromJson(v: unknown): number | bigint | undefined {
  // 2^63 itself may be a rounded 2^63-1: accept it here, the exact re-parse checks the range.
  if (typeof v === 'number') return Number.isInteger(v) && v >= -(2 ** 63) && v <= 2 ** 63 ? v : undefined;
  if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
  return undefined;
}

function timestampFromJson(type: Timestamp, parseText: (text: string) => number | undefined, integerSeconds: boolean): (v: unknown) => number | bigint | undefined {
  const perInteger = integerSeconds ? 1000 : 1;
  const unit = type.unit;
  const toUnit = (ms: number): number | bigint =>
    unit === TimeUnit.MILLISECOND ? ms : unit === TimeUnit.SECOND ? Math.floor(ms / 1000) : unit === TimeUnit.MICROSECOND ? ms * 1000 : BigInt(ms) * 1_000_000n;
  return (v) => {
    let ms: number | undefined;
    if (typeof v === 'string') ms = parseText(v);
    else if (typeof v === 'number' && Number.isInteger(v) && Number.isSafeInteger(v * perInteger)) ms = v * perInteger;
    return ms === undefined ? undefined : toUnit(ms);
  };
}


