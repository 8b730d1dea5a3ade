import { DataType, type Field, type Table } from 'apache-arrow';
import { formatDecimal, unscaledFromValue } from '@sluice/core';

/**
 * Spark's `Dataset.showString(numRows, truncate)`: a `+---+` table, cells right-aligned and cut
 * to 17 chars + "..." when `truncate`, left-aligned and whole otherwise, then "only showing
 * top N rows" when the table has more.
 */
export function showString(table: Table, numRows: number, truncate: boolean): string {
  const fields = table.schema.fields;
  const shown = Math.min(numRows, table.numRows);
  const header = fields.map((f) => f.name);
  const rows: string[][] = [];
  const columns = fields.map((f) => table.getChild(f.name)!);
  for (let r = 0; r < shown; r++) {
    rows.push(fields.map((field, c) => cut(formatCell(columns[c]!.get(r), field), truncate)));
  }
  const widths = header.map((name, c) => Math.max(3, name.length, ...rows.map((row) => row[c]!.length)));
  const line = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const render = (cells: string[]) => `|${cells.map((cell, c) => (truncate ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('|')}|`;
  const out = [line, render(header.map((h) => cut(h, truncate))), line, ...rows.map(render), line];
  let text = `${out.join('\n')}\n`;
  if (table.numRows > numRows) text += `only showing top ${numRows} ${numRows === 1 ? 'row' : 'rows'}\n`;
  return text;
}

function cut(text: string, truncate: boolean): string {
  return truncate && text.length > 20 ? `${text.slice(0, 17)}...` : text;
}

/** How Spark's `show` prints one value of `field`'s type. */
export function formatCell(value: unknown, field: Pick<Field, 'type'>): string {
  if (value === null || value === undefined) return 'null';
  const type = field.type;
  if (DataType.isTimestamp(type)) return formatTimestamp(Number(value));
  if (DataType.isDate(type)) return formatDate(Number(value));
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

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `yyyy-MM-dd HH:mm:ss[.fff]` in local time, trailing zeros of the fraction dropped (Spark's cast to string). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const fraction = pad(d.getMilliseconds(), 3).replace(/0+$/, '');
  return fraction ? `${base}.${fraction}` : base;
}

function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Doubles print with a decimal point (1.0), like the JVM's Double.toString for ordinary magnitudes. */
function formatDouble(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return value.toFixed(1);
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}
