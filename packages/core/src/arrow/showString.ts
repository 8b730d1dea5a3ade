import { DataType, type Field, type Table } from 'apache-arrow';
import { formatDecimal } from '../decimal/format.ts';
import { unscaledFromValue } from '../decimal/decimalValues.ts';
import { sessionTimeZone } from '../session/conf.ts';
import { formatDate as formatDays, formatLocalTimestamp } from '../time/civil.ts';
import { requireZone } from '../time/timeZone.ts';

/**
 * Spark's `Dataset.showString`: a `+---+` table (cells right-aligned and cut to 17 chars + "..."
 * when truncating, left-aligned and whole otherwise; columns at least 3 wide), then "only showing
 * top N rows" when the table has more. Control characters print escaped (`\n`, `\t` …), times in
 * the session time zone, as Spark's `show()`.
 */
export function showString(table: Table, numRows: number, truncate: boolean | number, vertical = false): string {
  const limit = Math.max(0, Math.floor(numRows));
  const width = truncate === true ? 20 : truncate === false ? 0 : Math.max(0, Math.floor(truncate));
  const fields = table.schema.fields;
  const shown = Math.min(limit, table.numRows);
  const header = fields.map((f) => cut(escapeMeta(f.name), width));
  const columns = fields.map((f) => table.getChild(f.name)!);
  const rows: string[][] = [];
  for (let r = 0; r < shown; r++) {
    rows.push(fields.map((field, c) => cut(escapeMeta(formatCell(columns[c]!.get(r), field)), width)));
  }
  const more = table.numRows > limit ? `only showing top ${limit} ${limit === 1 ? 'row' : 'rows'}\n` : '';
  // Spark's footer: an empty vertical table says (0 rows) and nothing more.
  if (vertical) return rows.length === 0 ? '(0 rows)\n' : verticalString(header, rows) + more;
  const widths = header.map((name, c) => Math.max(3, name.length, ...rows.map((row) => row[c]!.length)));
  const line = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const render = (cells: string[]) => `|${cells.map((cell, c) => (width > 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('|')}|`;
  const out = [line, render(header), line, ...rows.map(render), line];
  return `${out.join('\n')}\n${more}`;
}

function verticalString(header: readonly string[], rows: readonly string[][]): string {
  const nameWidth = Math.max(3, ...header.map((h) => h.length));
  const dataWidth = Math.max(3, ...rows.flatMap((row) => row.map((cell) => cell.length)));
  return rows
    .map((row, i) => {
      const lines = row.map((cell, c) => ` ${header[c]!.padEnd(nameWidth)} | ${cell.padEnd(dataWidth)} `);
      return `${`-RECORD ${i}`.padEnd(nameWidth + dataWidth + 5, '-')}\n${lines.join('\n')}\n`;
    })
    .join('');
}

function cut(text: string, width: number): string {
  if (width <= 0 || text.length <= width) return text;
  return width < 4 ? text.slice(0, width) : `${text.slice(0, width - 3)}...`;
}

const META: Readonly<Record<string, string>> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\f': '\\f', '\b': '\\b', '\u000B': '\\v', '\u0007': '\\a' };

/** Spark 3.3+ (SPARK-33690): control characters in shown cells print as their escapes. */
function escapeMeta(text: string): string {
  return /[\n\t\r\f\b\u000B\u0007]/.test(text) ? text.replace(/[\n\t\r\f\b\u000B\u0007]/g, (c) => META[c]!) : text;
}

/** How Spark's `show` prints one value of `field`'s type. */
export function formatCell(value: unknown, field: Pick<Field, 'type'>): string {
  if (value === null || value === undefined) return 'null';
  const type = field.type;
  if (DataType.isTimestamp(type)) return formatTimestamp(Number(value));
  if (DataType.isDate(type)) return formatDays(Math.floor(Number(value) / 86_400_000));
  if (DataType.isFloat(type) && typeof value === 'number') return formatDouble(value);
  // show() prints decimals plainly with their scale (Spark's ToPrettyString): 12.30, 0.0000001.
  if (DataType.isDecimal(type)) return formatDecimal(unscaledFromValue(value, type), type.scale);
  if (DataType.isBinary(type) || value instanceof Uint8Array) {
    return `[${Array.from(value as Uint8Array, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}]`;
  }
  if (DataType.isList(type)) {
    const child = type.children[0]!;
    return `[${Array.from(value as Iterable<unknown>, (v) => formatCell(v, child)).join(', ')}]`;
  }
  if (DataType.isStruct(type)) {
    const row = value as Record<string, unknown>;
    return `{${type.children.map((f) => formatCell(row[f.name], f)).join(', ')}}`;
  }
  if (DataType.isMap(type)) {
    const entries = Object.entries((value as { toJSON(): Record<string, unknown> }).toJSON());
    const valueField = (type.children[0]!.type as DataType).children[1]!;
    return `{${entries.map(([k, v]) => `${k} -> ${formatCell(v, valueField)}`).join(', ')}}`;
  }
  return String(value);
}

/** `yyyy-MM-dd HH:mm:ss[.fff]` in the session time zone, trailing zeros of the fraction dropped (Spark's cast to string). */
export function formatTimestamp(ms: number): string {
  const zone = requireZone(sessionTimeZone());
  return formatLocalTimestamp(ms + zone.offsetAt(ms));
}

/** Doubles print with a decimal point (1.0), like the JVM's Double.toString for ordinary magnitudes. */
function formatDouble(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return value.toFixed(1);
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}
