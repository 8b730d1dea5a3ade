import { Bool, DataType, DateDay, Field, Float64, Int32, Int64, Schema, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { withDefaults } from '../fileFormat.ts';
import { decodeText } from '../lines.ts';
import { INVALID, csvValueParser } from '../csv/csvValues.ts';
import { tokenizeCsv } from '../csv/csvTokenizer.ts';
import { csvReadOptions, type CsvReadOptions, type csvReadOptionSpec } from '../csv/options.ts';

/** Candidate types, narrowest first; a column takes the first its every value parses as. */
const LADDER: readonly (() => DataType)[] = [() => new Int32(), () => new Int64(), () => new Float64(), () => new Bool(), () => new DateDay(), () => new TimestampMillisecond()];

/** Families that widen within themselves (int → bigint → double, date → timestamp); across families, string. */
const FAMILY = [0, 0, 0, 1, 2, 2];

function widen(a: number, b: number): number {
  if (a < 0) return b;
  if (a >= LADDER.length || b >= LADDER.length || FAMILY[a] !== FAMILY[b]) return LADDER.length;
  return Math.max(a, b);
}

/**
 * A schema for CSV files, inferred as Spark's `inferSchema` does: column names from the header
 * (or `_c0`, `_c1`, …), each column the narrowest of int, bigint, double, boolean, date,
 * timestamp that all its non-null values parse as (dates and timestamps per `dateFormat` and
 * `timestampFormat`), else string. Malformed records are left out of the inference.
 *
 * @example inferCsvSchema([bytes], { header: true }) // Schema<{ id: Int32, name: Utf8 }>
 */
export function inferCsvSchema(files: readonly Uint8Array[], options: Partial<CsvReadOptions> = {}): Schema {
  const o = withDefaults<typeof csvReadOptionSpec, CsvReadOptions>(csvReadOptions, options);
  let names: string[] | undefined;
  let width = 0;
  // For each column: index into LADDER of the narrowest type still possible (LADDER.length = string), or -1 when only nulls so far.
  const level: number[] = [];
  const parsers = LADDER.map((make) => csvValueParser(make(), o, ''));
  for (const bytes of files) {
    let first = true;
    tokenizeCsv(decodeText(bytes), { sep: o.delimiter ?? o.sep, quote: o.quote, escape: o.escape, comment: o.comment, multiLine: o.multiLine, lineSep: o.lineSep }, (record) => {
      if (first && o.header) {
        first = false;
        names ??= record.fields.map((f, k) => f.trim() || `_c${k}`);
        return;
      }
      first = false;
      if (record.error !== undefined) return;
      width = Math.max(width, record.fields.length);
      record.fields.forEach((text, k) => {
        if (!record.quoted[k] && (text === o.nullValue || text === '')) return;
        let l = 0;
        while (l < LADDER.length && parsers[l]!(text) === INVALID) l++;
        level[k] = widen(level[k] ?? -1, l);
      });
    });
  }
  const count = Math.max(width, names?.length ?? 0);
  const fields: Field[] = [];
  for (let k = 0; k < count; k++) {
    const l = level[k] ?? -1;
    const type = l < 0 || l >= LADDER.length ? new Utf8() : LADDER[l]!();
    fields.push(new Field(names?.[k] ?? `_c${k}`, type, true));
  }
  return new Schema(fields);
}
