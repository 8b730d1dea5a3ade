import { DataType, Type } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { formatDecimalJava, sparkTypeName } from '@sluice/core/connector';
import { jsonValueOptionsOf, temporalWriters } from '@sluice/core/internal';

/** Not a value of the column's type: the record is malformed. */
export const INVALID = Symbol('invalid');

export interface CsvValueOptions {
  readonly nanValue: string;
  readonly positiveInf: string;
  readonly negativeInf: string;
  readonly dateFormat?: string | undefined;
  readonly timestampFormat?: string | undefined;
  /** Zone of timestamps without one, read and written (Spark's `timeZone`; default the session time zone). */
  readonly timeZone?: string | undefined;
  /** Language of month and day names in the patterns (Spark's `locale`, default en-US). */
  readonly locale?: string | undefined;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Text → value of `type` in the form core's `columnBuilder` takes (dates as epoch days, timestamps as epoch ms), or INVALID. */
export function csvValueParser(type: DataType, o: CsvValueOptions, column: string): (text: string) => unknown {
  switch (type.typeId) {
    case Type.Utf8:
      return (t) => t;
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      if (!isSigned) break;
      if (bitWidth === 64) {
        return (t) => {
          const s = t.trim();
          if (!INTEGER.test(s)) return INVALID;
          // Up to 15 digits is exact as a number; longer goes through BigInt.
          if (s.length <= 15) return Number(s);
          const v = BigInt(s);
          return v >= -(2n ** 63n) && v < 2n ** 63n ? v : INVALID;
        };
      }
      const max = 2 ** (bitWidth - 1);
      return (t) => {
        const s = t.trim();
        if (!INTEGER.test(s)) return INVALID;
        const v = Number(s);
        return v >= -max && v < max ? v : INVALID;
      };
    }
    case Type.Float:
      return (t) => {
        const s = t.trim();
        if (s === o.nanValue || s === 'NaN') return NaN;
        if (s === o.positiveInf || s === 'Infinity' || s === '+Infinity') return Infinity;
        if (s === o.negativeInf || s === '-Infinity') return -Infinity;
        return DECIMAL.test(s) ? Number(s) : INVALID;
      };
    case Type.Decimal:
      // Spark's decimalParser reads the text as is (no trim, grouping commas dropped): core's builder does it.
      return (t) => t;
    case Type.Bool:
      return (t) => {
        const s = t.trim().toLowerCase();
        return s === 'true' ? true : s === 'false' ? false : INVALID;
      };
    case Type.Timestamp: {
      const parse = jsonValueOptionsOf(o)!.timestamp!;
      return (t) => parse(t.trim()) ?? INVALID;
    }
    case Type.Date: {
      const parse = jsonValueOptionsOf(o)!.date!;
      return (t) => parse(t.trim()) ?? INVALID;
    }
  }
  throw unsupported(type, column);
}

/** Value of `type` (as `columnReader` gives it: timestamps and dates in epoch ms) → its CSV text, before quoting. */
export function csvValueFormatter(type: DataType, o: Pick<CsvValueOptions, 'dateFormat' | 'timestampFormat' | 'timeZone' | 'locale'>, column: string): (value: unknown) => string {
  switch (type.typeId) {
    case Type.Utf8:
      return (v) => v as string;
    case Type.Int:
    case Type.Bool:
      return (v) => String(v);
    case Type.Float:
      return (v) => {
        const n = v as number;
        return Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
      };
    case Type.Decimal: {
      // Spark writes Decimal.toString: plain, or 1.0E-7 below 1e-6 (Java's BigDecimal.toString).
      const scale = (type as unknown as { scale: number }).scale;
      return (v) => formatDecimalJava(v as bigint, scale);
    }
    case Type.Timestamp: {
      const write = temporalWriters(o).timestamp;
      return (v) => write(v as number);
    }
    case Type.Date: {
      const write = temporalWriters(o).date;
      return (v) => {
        const ms = v instanceof Date ? v.getTime() : Number(v);
        return write(Math.floor(ms / 86_400_000));
      };
    }
  }
  throw unsupported(type, column);
}

function unsupported(type: DataType, column: string): SluiceError {
  return new SluiceError(
    'INVALID_SCHEMA',
    `CSV cannot hold column '${column}' of type ${sparkTypeName(type)} (as in Spark, CSV carries strings, numbers, decimals, booleans, dates and timestamps); use json or parquet, or convert the column to a string with toJson.`,
    { details: { column } },
  );
}
