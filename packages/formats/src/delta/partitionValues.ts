/**
 * Partition values as Delta keeps them (PROTOCOL.md, "Partition Value Serialization"): strings in
 * the log, typed in the data. Plus the two encodings a partitioned file's path goes through: Hive's
 * escaping of directory names (`x=A%2FA`, `k=__HIVE_DEFAULT_PARTITION__`) and the URI encoding of
 * the `path` field in the log (`x=A%252FA`). Directory names are escaped as the file sink's are.
 */
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, Type, type Float } from 'apache-arrow';
import { SluiceError, decimalFromText, formatDecimalJava, unscaledFromValue, formatIsoDateDays, formatIsoTimestampMs, parseIsoDateDays, parseIsoTimestampMs, sparkTypeName } from '@sluice/core';
import { DEFAULT_PARTITION_NAME, escapePartitionValue } from '../files/partitionPath.ts';
const MS_PER_DAY = 86_400_000;

/**
 * The log's string for one value of a partition column (as read from an Arrow vector), or null.
 * Numbers print as Java prints them (`10.0`, `1.0E10`) so Spark-written and Sluice-written
 * partitions of one table look alike; timestamps are ISO-8601 in UTC, the protocol's recommendation.
 */
export function serializePartitionValue(value: unknown, type: DataType): string | null {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Utf8: {
      const s = String(value);
      return s === '' ? null : s; // Spark writes an empty partition string as null
    }
    case Type.Int:
      return String(value);
    case Type.Float:
      return (type as Float).precision === 0 || (type as Float).precision === 1 ? javaFloat(Number(value)) : javaDouble(Number(value));
    case Type.Bool:
      return value ? 'true' : 'false';
    case Type.Decimal:
      // As Spark casts it to string: the scale kept (12.30), BigDecimal.toString below 1e-6.
      return formatDecimalJava(unscaledFromValue(value, type as never), (type as unknown as { scale: number }).scale);
    case Type.Date: {
      const ms = value instanceof Date ? value.getTime() : Number(value);
      return formatIsoDateDays(Math.floor(ms / MS_PER_DAY));
    }
    case Type.Timestamp: {
      const ms = value instanceof Date ? value.getTime() : Number(value);
      return formatIsoTimestampMs(ms).replace(/(\.\d{3})?Z$/, (_, frac: string | undefined) => `${frac ?? '.000'}000Z`);
    }
    default:
      throw new SluiceError('INVALID_OPTION', `Cannot write a partition value of type ${sparkTypeName(type)}.`);
  }
}

/**
 * The typed value of a partition string, in the form `vectorFromValues` takes for `type`
 * (numbers, bigints, booleans, strings, epoch ms for dates and timestamps, bytes). An empty
 * string is null for every type, as the protocol says.
 */
export function parsePartitionValue(text: string | null | undefined, type: DataType, column: string): unknown {
  if (text === null || text === undefined || text === '') return null;
  const bad = () =>
    new SluiceError('FILE_CORRUPT', `The Delta log holds partition value '${text}' for column '${column}', which is not a ${sparkTypeName(type)}.`, { details: { column, value: text } });
  switch (type.typeId) {
    case Type.Utf8:
      return text;
    case Type.Int: {
      if (!/^[-+]?\d+$/.test(text.trim())) throw bad();
      return (type as unknown as { bitWidth: number }).bitWidth === 64 ? BigInt(text.trim()) : Number(text);
    }
    case Type.Float: {
      const n = Number(text);
      if (Number.isNaN(n) && text.trim() !== 'NaN') throw bad();
      return (type as Float).precision === 2 ? n : Math.fround(n);
    }
    case Type.Bool:
      if (!/^(true|false)$/i.test(text.trim())) throw bad();
      return text.trim().toLowerCase() === 'true';
    case Type.Date: {
      const days = parseIsoDateDays(text.trim().slice(0, 10));
      if (days === undefined) throw bad();
      return days * MS_PER_DAY;
    }
    case Type.Timestamp: {
      const ms = parseIsoTimestampMs(text.trim());
      if (ms === undefined) throw bad();
      return ms;
    }
    case Type.Binary:
      return Buffer.from(text, 'latin1');
    case Type.Decimal: {
      // The unscaled value (what vectorFromValues takes for a decimal bigint), rounded HALF_UP.
      const unscaled = decimalFromText(text.trim(), type as never);
      if (unscaled === null) throw bad();
      return unscaled;
    }
    default:
      throw new SluiceError('DELTA_UNSUPPORTED_FEATURE', `The Delta table is partitioned by column '${column}' of type ${sparkTypeName(type)}, which Sluice cannot read yet.`, {
        details: { feature: `partition column of type ${sparkTypeName(type)}`, column },
      });
  }
}

function javaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  return javaStyle(n, String(n));
}

function javaFloat(n: number): string {
  if (Number.isNaN(n) || !Number.isFinite(n) || n === 0) return javaDouble(n);
  // The shortest decimal that reads back as the same float32, as Java's Float.toString prints.
  for (let digits = 1; digits <= 9; digits++) {
    const text = n.toPrecision(digits);
    if (Math.fround(Number(text)) === n) return javaStyle(Number(text), String(Number(text)));
  }
  return javaDouble(n);
}

/** Java's decimal form between 1e-3 and 1e7, scientific (`1.0E10`) outside it. */
function javaStyle(n: number, shortest: string): string {
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = shortest.includes('e') ? n.toFixed(20).replace(/0+$/, '') : shortest;
    return plain.includes('.') ? plain.replace(/\.$/, '.0') : `${plain}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** The relative directory of a partition: `year=2024/month=1`, nulls as `__HIVE_DEFAULT_PARTITION__`. */
export function partitionDirectory(columns: readonly string[], values: Readonly<Record<string, string | null>>): string {
  return columns.map((c) => `${escapePartitionValue(c)}=${values[c] == null ? DEFAULT_PARTITION_NAME : escapePartitionValue(values[c]!)}`).join('/');
}

/** Characters a URI path keeps as they are (RFC 2396 unreserved, sub-delims, ':', '@', '/'). */
const URI_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/** A relative file path as the log's `path` URI (`x=A%2FA/f` → `x=A%252FA/f`). */
export function encodeLogPath(path: string): string {
  let out = '';
  for (const ch of path) {
    if (URI_SAFE.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The file path a log `path` URI names: percent-escapes decoded as UTF-8. */
export function decodeLogPath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    // A lone '%' that is not an escape: Spark's URI parser rejects it, but the name is unambiguous.
    return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** The absolute file of an add/remove `path`: relative to the table root, or an absolute path or file: URI. */
export function resolveDataPath(tablePath: string, logPath: string): string {
  if (/^file:/i.test(logPath)) return fileURLToPath(logPath.replace(/^file:\/(?!\/)/i, 'file:///'));
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(logPath)) {
    throw new SluiceError('DELTA_UNSUPPORTED_FEATURE', `The Delta log names a data file at ${logPath}; Sluice reads only local files.`, { details: { feature: 'remote data files', path: logPath } });
  }
  const decoded = decodeLogPath(logPath);
  return isAbsolute(decoded) ? decoded : join(tablePath, decoded);
}
