import { Bool, DataType, Field, Float64, Int64, List, Schema, Struct, Utf8 } from 'apache-arrow';
import { DEFAULT_CORRUPT_RECORD_COLUMN, isLenient, jsonSyntaxOf, parseJsonExact } from '@sluice/core/internal';
import { decodeText, splitLines } from '../lines.ts';
import { splitJsonDocument } from '../json/splitJsonDocument.ts';
import type { JsonReadOptions } from '../json/options.ts';

/**
 * A schema for JSON files, inferred as Spark's `inferSchema` does: integers → bigint, other
 * numbers → double, booleans, strings (timestamps stay strings, as Spark's default), arrays →
 * array of the merged element type, objects → struct with fields in name order. Conflicting
 * types widen bigint → double and otherwise fall back to string; a field only ever null is a
 * string. In PERMISSIVE mode, malformed records add the `_corrupt_record` column.
 *
 * @example inferJsonSchema([await readFile('/in/a.json')]) // Schema<{ id: Int64, name: Utf8 }>
 */
export function inferJsonSchema(files: readonly Uint8Array[], options: Partial<JsonReadOptions> = {}): Schema {
  let merged: Inferred = { kind: 'null' };
  let malformed = false;
  // Records are read with the reader's syntax (Spark's allow* options: single quotes by default), so
  // a file the reader accepts is never inferred as corrupt.
  const syntax = jsonSyntaxOf(options as never);
  const lenient = isLenient(syntax);
  for (const bytes of files) {
    const text = decodeText(bytes);
    const records = options.multiLine ? splitJsonDocument(text).records : splitLines(text, options.lineSep).filter((l) => l.trim() !== '');
    for (const record of records) {
      let value: unknown;
      try {
        value = parseRecord(record, syntax, lenient);
      } catch {
        malformed = true;
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        malformed = true;
        continue;
      }
      merged = merge(merged, infer(value));
    }
  }
  const fields = merged.kind === 'struct' ? [...merged.fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, t]) => new Field(name, toArrow(t), true)) : [];
  const corrupt = options.columnNameOfCorruptRecord ?? DEFAULT_CORRUPT_RECORD_COLUMN;
  if (malformed && (options.mode ?? 'PERMISSIVE') === 'PERMISSIVE' && !fields.some((f) => f.name === corrupt)) {
    // In name order with the others, as Spark's inference sorts it in (`_corrupt_record` before `a`).
    const at = fields.findIndex((f) => f.name > corrupt);
    fields.splice(at < 0 ? fields.length : at, 0, new Field(corrupt, new Utf8(), true));
  }
  return new Schema(fields);
}

function parseRecord(record: string, syntax: ReturnType<typeof jsonSyntaxOf>, lenient: boolean): unknown {
  try {
    return JSON.parse(record);
  } catch (error) {
    if (!lenient) throw error;
    return parseJsonExact(record, { syntax });
  }
}

type Inferred =
  | { kind: 'null' | 'string' | 'bigint' | 'double' | 'boolean' }
  | { kind: 'array'; element: Inferred }
  | { kind: 'struct'; fields: Map<string, Inferred> };

function infer(value: unknown): Inferred {
  if (value === null) return { kind: 'null' };
  if (typeof value === 'string') return { kind: 'string' };
  if (typeof value === 'boolean') return { kind: 'boolean' };
  if (typeof value === 'bigint') return { kind: 'bigint' }; // an integer beyond 2^53, kept exact by the lenient parser
  if (typeof value === 'number') return { kind: Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? 'bigint' : 'double' };
  if (Array.isArray(value)) return { kind: 'array', element: value.reduce<Inferred>((acc, v) => merge(acc, infer(v)), { kind: 'null' }) };
  const fields = new Map<string, Inferred>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) fields.set(k, infer(v));
  return { kind: 'struct', fields };
}

function merge(a: Inferred, b: Inferred): Inferred {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind === 'struct' && b.kind === 'struct') {
    const fields = new Map(a.fields);
    for (const [k, t] of b.fields) fields.set(k, fields.has(k) ? merge(fields.get(k)!, t) : t);
    return { kind: 'struct', fields };
  }
  if (a.kind === 'array' && b.kind === 'array') return { kind: 'array', element: merge(a.element, b.element) };
  if (a.kind === b.kind) return a;
  if ((a.kind === 'bigint' && b.kind === 'double') || (a.kind === 'double' && b.kind === 'bigint')) return { kind: 'double' };
  return { kind: 'string' };
}

function toArrow(t: Inferred): DataType {
  switch (t.kind) {
    case 'bigint':
      return new Int64();
    case 'double':
      return new Float64();
    case 'boolean':
      return new Bool();
    case 'array':
      return new List(new Field('element', toArrow(t.element), true));
    case 'struct':
      return new Struct([...t.fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, f]) => new Field(name, toArrow(f), true)));
    default:
      return new Utf8();
  }
}
