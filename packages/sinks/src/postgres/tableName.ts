import { SluiceError } from '@sluice/core';

/** A table name as PostgreSQL resolves it: `schema` absent means "first match on search_path". */
export interface TableName {
  readonly schema?: string;
  readonly name: string;
}

/** An identifier quoted for SQL, whatever characters it holds. */
export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** `"schema"."table"` (or `"table"`) for SQL text. */
export function qualifiedSql(table: TableName): string {
  return table.schema === undefined ? quoteIdent(table.name) : `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/** `schema.table` as a person reads it (no quotes unless needed). */
export function displayName(table: TableName): string {
  const show = (part: string) => (/^[a-z_][a-z0-9_$]*$/.test(part) ? part : quoteIdent(part));
  return table.schema === undefined ? show(table.name) : `${show(table.schema)}.${show(table.name)}`;
}

/**
 * Parse `dbtable` the way PostgreSQL reads a name in SQL (which is what Spark's JDBC writer
 * does: it pastes `dbtable` into its statements): unquoted parts fold to lower case,
 * `"Quoted"` parts keep their case and may hold dots.
 *
 * @example parseTableName('Sales."Daily Totals"') // { schema: 'sales', name: 'Daily Totals' }
 */
export function parseTableName(text: string, option = 'dbtable'): TableName {
  const parts: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new SluiceError('INVALID_OPTION', `Option '${option}' of format 'postgres' must be a table name such as results or analytics.results: ${why} in ${JSON.stringify(text)}.`, {
      details: { format: 'postgres', option },
    });
  };
  const s = text.trim();
  for (;;) {
    if (s[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= s.length) fail('unclosed quote');
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += s[i++];
      }
      if (part === '') fail('empty quoted name');
      parts.push(part);
    } else {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(s.slice(i))?.[0];
      if (!word) fail(`unexpected character at position ${i}`);
      parts.push(word!.toLowerCase());
      i += word!.length;
    }
    if (i === s.length) break;
    if (s[i] !== '.') fail(`unexpected character at position ${i}`);
    i++;
  }
  if (parts.length > 2) fail('at most schema.table (a database name cannot be given here; put it in the url)');
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}
