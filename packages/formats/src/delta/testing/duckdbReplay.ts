/**
 * An independent reader of Delta tables for tests: DuckDB replays `_delta_log` with its own JSON
 * and Parquet readers (SQL: the newest action per path wins) and reads the live files with
 * `read_parquet`. Nothing of Sluice's Delta or Parquet code is involved, so when its rows equal
 * `readDelta`'s, both the log we write and the files it names are what Delta readers expect.
 * Test support only; deletion vectors are not applied.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';

export interface DuckDbTable {
  /** Live data files (log paths) at the version. */
  readonly files: string[];
  /** All rows, partition values attached (as the log's strings cast to the schema type), column-mapped names made logical. */
  readonly rows: Record<string, unknown>[];
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The live files and rows of `table` at `version` (the latest when undefined), according to DuckDB. */
export async function duckdbReadDelta(db: DuckDBConnection, table: string, version?: number): Promise<DuckDbTable> {
  const log = join(table, '_delta_log');
  const names = readdirSync(log);
  const commits = names.filter((n) => /^\d{20}\.json$/.test(n)).map((n) => Number(n.slice(0, 20)));
  const target = version ?? Math.max(...commits);
  const checkpoint = names
    .filter((n) => /^\d{20}\.checkpoint\.parquet$/.test(n))
    .map((n) => Number(n.slice(0, 20)))
    .filter((v) => v <= target)
    .sort((a, b) => b - a)[0];
  const jsonFiles = commits.filter((v) => v > (checkpoint ?? -1) && v <= target).map((v) => q(join(log, `${String(v).padStart(20, '0')}.json`)));
  const parts: string[] = [];
  const metadataParts: string[] = [];
  if (checkpoint !== undefined) {
    const source = `read_parquet(${q(join(log, `${String(checkpoint).padStart(20, '0')}.checkpoint.parquet`))})`;
    parts.push(`SELECT ${checkpoint} AS version, add.path AS path, add."partitionValues" AS pv, 1 AS kind FROM ${source} WHERE add IS NOT NULL`);
    metadataParts.push(`SELECT ${checkpoint} AS version, "metaData"."schemaString" AS s, "metaData"."partitionColumns" AS p, "metaData".configuration AS c FROM ${source} WHERE "metaData" IS NOT NULL`);
  }
  if (jsonFiles.length > 0) {
    const source = `read_json([${jsonFiles.join(',')}], filename = true, format = 'newline_delimited', columns = {add: 'STRUCT(path VARCHAR, "partitionValues" MAP(VARCHAR, VARCHAR))', remove: 'STRUCT(path VARCHAR)', "metaData": 'STRUCT("schemaString" VARCHAR, "partitionColumns" VARCHAR[], configuration MAP(VARCHAR, VARCHAR))'})`;
    const version = `CAST(regexp_extract(filename, '(\\d{20})\\.json$', 1) AS BIGINT)`;
    parts.push(`SELECT ${version} AS version, add.path AS path, add."partitionValues" AS pv, 1 AS kind FROM ${source} WHERE add IS NOT NULL`);
    parts.push(`SELECT ${version} AS version, remove.path AS path, NULL AS pv, 0 AS kind FROM ${source} WHERE remove IS NOT NULL`);
    metadataParts.push(`SELECT ${version} AS version, "metaData"."schemaString" AS s, "metaData"."partitionColumns" AS p, "metaData".configuration AS c FROM ${source} WHERE "metaData" IS NOT NULL`);
  }
  const live = await db.runAndReadAll(`
    SELECT path, pv FROM (
      SELECT path, pv, kind, row_number() OVER (PARTITION BY path ORDER BY version DESC, kind DESC) AS rn FROM (${parts.join(' UNION ALL ')})
    ) WHERE rn = 1 AND kind = 1 ORDER BY path`);
  const [meta] = (await db.runAndReadAll(`SELECT * FROM (${metadataParts.join(' UNION ALL ')}) ORDER BY version DESC LIMIT 1`)).getRowObjectsJS() as {
    s: string; p: string[]; c: { key: string; value: string }[] | null;
  }[];
  const schema = columnsOf(meta!.s, meta!.p, Object.fromEntries((meta!.c ?? []).map(({ key, value }) => [key, value])));
  const rows: Record<string, unknown>[] = [];
  const files: string[] = [];
  for (const row of live.getRowObjectsJS() as { path: string; pv: { key: string; value: string | null }[] | null }[]) {
    files.push(row.path);
    const file = join(table, decodeURIComponent(row.path));
    const data = (await db.runAndReadAll(`SELECT * FROM read_parquet(${q(file)})`)).getRowObjectsJS();
    const partitionValues = Object.fromEntries((row.pv ?? []).map(({ key, value }) => [key, value]));
    for (const record of data) {
      const out: Record<string, unknown> = {};
      for (const field of schema) {
        if (field.partition) out[field.name] = castPartition(partitionValues[field.physical] ?? null, field.type);
        else out[field.name] = record[field.physical] ?? null;
      }
      rows.push(out);
    }
  }
  return { files, rows };
}

interface ColumnInfo {
  readonly name: string;
  readonly physical: string;
  readonly type: unknown;
  readonly partition: boolean;
}

/** The columns of a schema string, with their names in the files (column mapping) and whether they partition. */
function columnsOf(schemaString: string, partitionColumns: readonly string[], configuration: Record<string, string>): ColumnInfo[] {
  const mapped = (configuration['delta.columnMapping.mode'] ?? 'none') !== 'none';
  const fields = JSON.parse(schemaString).fields as { name: string; type: unknown; metadata: Record<string, unknown> }[];
  return fields.map((f) => ({
    name: f.name,
    physical: mapped ? String(f.metadata['delta.columnMapping.physicalName']) : f.name,
    type: f.type,
    partition: partitionColumns.includes(f.name),
  }));
}

function castPartition(value: string | null, type: unknown): unknown {
  if (value === null || value === '') return null;
  switch (type) {
    case 'integer': case 'short': case 'byte': case 'double': case 'float': return Number(value);
    case 'long': return BigInt(value);
    case 'boolean': return value === 'true';
    case 'date': return new Date(`${value}T00:00:00Z`);
    case 'timestamp': return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
    default: return value;
  }
}

/** Values as comparable JSON: bigints and Dates to numbers, bytes to hex, maps (DuckDB's entry lists, Arrow's maps) to sorted objects. */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array) return `hex:${Buffer.from(value).toString('hex')}`;
  if (value instanceof Map) return canonical(Object.fromEntries(value));
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((e) => e !== null && typeof e === 'object' && 'key' in e && 'value' in e && Object.keys(e).length === 2)) {
      return canonical(Object.fromEntries(value.map((e: { key: unknown; value: unknown }) => [String(e.key), e.value])));
    }
    return value.map(canonical);
  }
  if (typeof value === 'object') {
    const json = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON: () => unknown }).toJSON() : value;
    if (json !== value) return canonical(json);
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Rows as a sorted list of canonical JSON strings (a multiset, order-free). */
export function rowMultiset(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string[] {
  return rows.map((r) => JSON.stringify(canonical(columns ? Object.fromEntries(columns.map((c) => [c, r[c]])) : r))).sort();
}
