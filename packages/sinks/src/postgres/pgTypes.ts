import { DataType, Precision, Type, type Dictionary, type Float, type Int, type List } from 'apache-arrow';
import { sparkTypeName } from '@sluice/core';

/**
 * A column type as PostgreSQL reports it: `typname` is the internal name that decides the
 * binary wire format (`int4`, `timestamptz`, `_text` …; domains are resolved to their base
 * type, enums report `enum`), `display` is what a person reads (`integer`, `text[]`).
 */
export interface PgType {
  readonly typname: string;
  readonly oid: number;
  readonly display: string;
  /** The element type of an array type. */
  readonly element?: PgType;
}

/**
 * The type `createTableIfNotExists` gives each Arrow type, and (in the module docs of
 * `fieldEncoders.ts`) the wider set of existing column types each Arrow type is written into.
 *
 * | Arrow type                          | PostgreSQL column created |
 * |-------------------------------------|---------------------------|
 * | Bool                                | boolean                   |
 * | Int8, Int16, Uint8                  | smallint                  |
 * | Int32, Uint16                       | integer                   |
 * | Int64, Uint32                       | bigint                    |
 * | Uint64                              | numeric(20,0)             |
 * | Float32                             | real                      |
 * | Float64                             | double precision          |
 * | Decimal(p, s)                       | numeric(p,s)              |
 * | Utf8, LargeUtf8, Dictionary<Utf8>   | text                      |
 * | Binary, LargeBinary, FixedSizeBinary| bytea                     |
 * | Date (day or ms)                    | date                      |
 * | Timestamp (s, ms, µs, ns; any zone) | timestamp with time zone  |
 * | List / LargeList / FixedSizeList of a scalar above | that type's array, e.g. bigint[] |
 * | Struct, Map, List of nested values  | jsonb                     |
 *
 * Timestamps are instants (Spark's TIMESTAMP), so they become `timestamptz`; nanoseconds are
 * truncated to PostgreSQL's microseconds. Float16, Time, Duration, Interval and
 * unions are not written (a `TYPE_MISMATCH` error names the column); cast them first.
 */
export function createColumnType(type: DataType): string | undefined {
  const scalar = scalarColumnType(type);
  if (scalar !== undefined) return scalar;
  if (DataType.isList(type) || DataType.isFixedSizeList(type) || type.typeId === Type.LargeList) {
    const element = scalarColumnType((type as List).children[0]!.type);
    return element === undefined ? 'jsonb' : `${element}[]`;
  }
  if (DataType.isStruct(type) || DataType.isMap(type)) return 'jsonb';
  return undefined;
}

function scalarColumnType(type: DataType): string | undefined {
  switch (type.typeId) {
    case Type.Bool:
      return 'boolean';
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int;
      if (bitWidth <= 16 && (isSigned || bitWidth === 8)) return 'smallint';
      if (bitWidth <= 32 && (isSigned || bitWidth === 16)) return 'integer';
      if (bitWidth <= 64 && (isSigned || bitWidth === 32)) return 'bigint';
      return 'numeric(20,0)';
    }
    case Type.Float:
      return (type as Float).precision === Precision.SINGLE ? 'real' : (type as Float).precision === Precision.DOUBLE ? 'double precision' : undefined;
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'text';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'bytea';
    case Type.Decimal:
      return `numeric(${(type as unknown as { precision: number }).precision},${(type as unknown as { scale: number }).scale})`;
    case Type.Date:
      return 'date';
    case Type.Timestamp:
      return 'timestamp with time zone';
    case Type.Dictionary:
      return scalarColumnType((type as Dictionary).dictionary);
    default:
      return undefined;
  }
}

/** An Arrow type as messages show it: Spark's name and Arrow's, e.g. `bigint (Arrow Int64)`. */
export function arrowTypeName(type: DataType): string {
  const spark = sparkTypeName(type);
  const arrow = String(type);
  return spark.toLowerCase() === arrow.toLowerCase() ? arrow : `${spark} (Arrow ${arrow})`;
}
