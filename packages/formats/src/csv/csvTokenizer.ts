/**
 * Splits CSV text into records of fields. Knows quoting and escaping, not types. Each record
 * carries its first line number and its raw text (kept for `_corrupt_record`).
 */
export interface CsvSyntax {
  readonly sep: string;
  /** '' turns quoting off. */
  readonly quote: string;
  readonly escape: string;
  readonly comment?: string | undefined;
  readonly multiLine: boolean;
  /** undefined: \n, \r\n or \r. */
  readonly lineSep?: string | undefined;
}

export interface CsvRecord {
  readonly fields: string[];
  /** Whether field k was quoted (a quoted value is never null, and "" is an empty string). */
  readonly quoted: boolean[];
  readonly line: number;
  readonly raw: string;
  /** Why the record is malformed, if it is. */
  readonly error?: string;
}

export function tokenizeCsv(text: string, syntax: CsvSyntax, onRecord: (record: CsvRecord) => void): void {
  const { sep, quote, escape, comment, multiLine, lineSep } = syntax;
  const n = text.length;
  const sepCode = sep.length === 1 ? sep.charCodeAt(0) : -1;
  const quoteCode = quote.length === 1 ? quote.charCodeAt(0) : -1;
  const escapeCode = escape.length === 1 ? escape.charCodeAt(0) : -1;
  let pos = 0;
  let line = 1;

  /** Length of the line separator at k, or 0. */
  const lineEnd = (k: number): number => {
    if (lineSep !== undefined) return text.startsWith(lineSep, k) ? lineSep.length : 0;
    const c = text.charCodeAt(k);
    if (c === 10) return 1;
    if (c === 13) return text.charCodeAt(k + 1) === 10 ? 2 : 1;
    return 0;
  };
  const isSep = (k: number): boolean => (sepCode >= 0 ? text.charCodeAt(k) === sepCode : text.startsWith(sep, k));

  while (pos < n) {
    const start = pos;
    const startLine = line;
    const blank = lineEnd(pos);
    if (blank > 0) {
      // Empty lines are skipped, as Spark's CSV reader does.
      pos += blank;
      line++;
      continue;
    }
    if (comment !== undefined && comment !== '' && text.startsWith(comment, pos)) {
      while (pos < n && lineEnd(pos) === 0) pos++;
      pos += lineEnd(pos);
      line++;
      continue;
    }
    const fields: string[] = [];
    const quoted: boolean[] = [];
    let error: string | undefined;
    for (;;) {
      if (quoteCode >= 0 && text.charCodeAt(pos) === quoteCode) {
        pos++;
        let value = '';
        let segment = pos;
        let closed = false;
        while (pos < n) {
          const c = text.charCodeAt(pos);
          if (c === escapeCode && escapeCode !== quoteCode && (text.charCodeAt(pos + 1) === quoteCode || text.charCodeAt(pos + 1) === escapeCode)) {
            value += text.slice(segment, pos) + text[pos + 1];
            pos += 2;
            segment = pos;
          } else if (c === quoteCode) {
            // A doubled quote is a literal quote (RFC 4180; DuckDB and Excel write this) whatever `escape` is.
            if (text.charCodeAt(pos + 1) === quoteCode) {
              value += text.slice(segment, pos) + quote;
              pos += 2;
              segment = pos;
            } else {
              value += text.slice(segment, pos);
              pos++;
              closed = true;
              break;
            }
          } else if (c === 10 || c === 13) {
            if (!multiLine) break;
            if (c === 10 || text.charCodeAt(pos + 1) !== 10) line++;
            pos++;
          } else pos++;
        }
        if (!closed) {
          value += text.slice(segment, pos);
          error ??= multiLine ? 'a quoted value is not closed before the end of the file' : 'a quoted value is not closed on its line (set multiLine to read values with line breaks)';
        }
        // Text between a closing quote and the separator is kept, as univocity does, but flagged.
        const after = pos;
        while (pos < n && !isSep(pos) && lineEnd(pos) === 0) pos++;
        if (pos > after) {
          value += text.slice(after, pos);
          error ??= `unexpected text after a closing quote`;
        }
        fields.push(value);
        quoted.push(true);
      } else {
        const from = pos;
        if (sepCode >= 0 && lineSep === undefined) {
          for (;;) {
            const c = text.charCodeAt(pos);
            if (pos >= n || c === sepCode || c === 10 || c === 13) break;
            pos++;
          }
        } else {
          while (pos < n && !isSep(pos) && lineEnd(pos) === 0) pos++;
        }
        fields.push(text.slice(from, pos));
        quoted.push(false);
      }
      if (pos < n && isSep(pos)) {
        pos += sep.length;
        continue;
      }
      break;
    }
    const end = pos;
    const eol = lineEnd(pos);
    pos += eol;
    if (eol > 0) line++;
    onRecord(error === undefined ? { fields, quoted, line: startLine, raw: text.slice(start, end) } : { fields, quoted, line: startLine, raw: text.slice(start, end), error });
  }
}
