import { DataType, DateDay, Field, Float64, Int32, Int64, TimestampMillisecond, RecordBatch, Schema, Struct, Table, Type, Utf8, makeData, type Vector } from 'apache-arrow';
import { SluiceError, decimalFromText, formatDecimalJava, formatIsoDateDays, formatIsoTimestampMs, parseIsoDateDays, parseIsoTimestampMs, sparkTypeName, unscaledFromValue, vectorFromValues } from '@sluice/core';

/** Hive's (and Spark's) directory name for a null or empty partition value. */
export const DEFAULT_PARTITION_NAME = '__HIVE_DEFAULT_PARTITION__';

/** Partition values of one file, from its `col=value/` directories; null for the default partition. */
export type PartitionValues = Readonly<Record<string, string | null>>;

// Spark's ExternalCatalogUtils.charToEscape: characters that cannot stand in a directory name.
const ESCAPED = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\x7F', '{', '[', ']', '^']);

/** A partition value as Spark writes it into a directory name (`%XX` escapes). */
export function escapePartitionValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || ESCAPED.has(ch) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

export function unescapePartitionValue(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** `col=value` for a directory, or undefined when the name is not a partition directory. */
export function parsePartitionDirectory(name: string): { column: string; value: string | null } | undefined {
  const eq = name.indexOf('=');
  if (eq <= 0) return undefined;
  const raw = name.slice(eq + 1);
  return { column: unescapePartitionValue(name.slice(0, eq)), value: raw === DEFAULT_PARTITION_NAME ? null : unescapePartitionValue(raw) };
}

/** The directory `col=value` for a value of a row (nulls and empty strings → the default partition). */
export function partitionDirectory(column: string, value: unknown, type: DataType): string {
  const text = value == null ? null : partitionText(value, type);
  return `${escapePartitionValue(column)}=${text === null || text === '' ? DEFAULT_PARTITION_NAME : escapePartitionValue(text)}`;
}

/** A value's text in a directory name, as Spark casts it to string. */
function partitionText(value: unknown, type: DataType): string {
  // Arrow JS hands dates out as epoch milliseconds.
  if (DataType.isDate(type)) return formatIsoDateDays(Math.floor(Number(value) / 86_400_000));
  if (DataType.isTimestamp(type)) return formatIsoTimestampMs(Number(value)).replace('T', ' ').replace(/Z$/, '');
  // Spark casts a decimal to string (BigDecimal.toString, the scale kept): amount=12.30.
  if (DataType.isDecimal(type)) return formatDecimalJava(unscaledFromValue(value, type), type.scale);
  return String(value);
}

const SUPPORTED = new Set([Type.Int, Type.Float, Type.Utf8, Type.Bool, Type.Date, Type.Timestamp, Type.Decimal]);

/** Partition columns must be of a type that reads back from a directory name. */
export function checkPartitionType(field: Field): void {
  if (!SUPPORTED.has(field.typeId)) {
    throw new SluiceError('INVALID_OPTION', `Column '${field.name}' of type ${sparkTypeName(field.type)} cannot be a partition column; partition by a string, number, decimal, boolean, date or timestamp column.`, {
      details: { option: 'partitionBy', column: field.name },
    });
  }
}

/** A directory text back into a value of `type`; `where` names the file for errors. */
export function partitionValueOf(text: string | null, field: Field, where: string): unknown {
  if (text === null) return null;
  const type = field.type as DataType;
  let value: unknown;
  if (DataType.isInt(type)) value = /^-?\d+$/.test(text) ? (type.bitWidth === 64 ? BigInt(text) : Number(text)) : undefined;
  else if (DataType.isFloat(type)) value = text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined;
  else if (DataType.isBool(type)) value = /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : undefined;
  else if (DataType.isDate(type)) {
    const days = parseIsoDateDays(text);
    value = days === undefined ? undefined : days * 86_400_000; // Arrow JS builds dates from epoch ms
  }
  else if (DataType.isTimestamp(type)) value = parseIsoTimestampMs(text.includes('T') ? text : text.replace(' ', 'T')) ?? undefined;
  else if (type.typeId === Type.Utf8) value = text;
  else if (DataType.isDecimal(type)) value = decimalFromText(text, type) ?? undefined;
  if (value === undefined) {
    throw new SluiceError('SCHEMA_MISMATCH', `Partition directory ${field.name}=${text} of ${where} is not a valid ${sparkTypeName(type)}; fix the directory name or declare '${field.name}' as a string.`, {
      details: { file: where, column: field.name },
    });
  }
  return value;
}

/** The narrowest type every value fits (Spark's partition type inference): int, bigint, double, date, timestamp, else string. */
export function inferPartitionType(values: readonly (string | null)[]): DataType {
  const present = values.filter((v): v is string => v !== null);
  if (present.length > 0 && present.every((v) => /^-?\d+$/.test(v))) {
    return present.every((v) => Math.abs(Number(v)) <= 2 ** 31 - 1) ? new Int32() : new Int64();
  }
  if (present.length > 0 && present.every((v) => v.trim() !== '' && Number.isFinite(Number(v)))) return new Float64();
  if (present.length > 0 && present.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && parseIsoDateDays(v) !== undefined)) return new DateDay();
  if (present.length > 0 && present.every((v) => /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(v))) return new TimestampMillisecond();
  return new Utf8();
}

/**
 * `table` shaped as `target`: the partition columns (those named in `values`) filled with the
 * file's value on every row, the others taken from the table by name, in `target`'s order.
 */
export function withPartitionColumns(table: Table, target: Schema, values: PartitionValues, where: string): Table {
  const length = table.numRows;
  const constants = new Map<string, Vector>();
  for (const field of target.fields) {
    if (!(field.name in values)) continue;
    const value = partitionValueOf(values[field.name] ?? null, field, where);
    constants.set(field.name, vectorFromValues(field.type, new Array(length).fill(value)));
  }
  if (constants.size === 0 && sameFields(table.schema, target)) return table;
  const batch = table.batches.length === 1 ? table.batches[0]! : undefined;
  const children = target.fields.map((field) => {
    const constant = constants.get(field.name);
    if (constant) return constant.data[0]!;
    const column = batch ? batch.getChild(field.name) : table.getChild(field.name);
    if (!column) return vectorFromValues(field.type, new Array(length).fill(null)).data[0]!;
    return column.data.length === 1 ? column.data[0]! : vectorFromValues(field.type, column.toArray() as ArrayLike<unknown>).data[0]!;
  });
  return new Table([new RecordBatch(target, makeData({ type: new Struct(target.fields), length, nullCount: 0, children }))]);
}

function sameFields(a: Schema, b: Schema): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name && f.typeId === b.fields[i]!.typeId);
}
