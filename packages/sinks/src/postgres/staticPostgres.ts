import type pg from 'pg';
import type { Schema, Table } from 'apache-arrow';
import { SluiceError, tableFromRows, toSchema, type StaticSide } from '@sluice/core';
import { resolveConnection } from './connectionString.ts';
import { toSluiceError } from './pgErrors.ts';
import { pgModule } from './pgModules.ts';

/** `staticPostgres({...})`'s options: Spark's JDBC source options (`url`, `dbtable` or `query`, `user`, `password`). */
export interface StaticPostgresConfig {
  /** `postgres://user:password@host:5432/db`, or pgjdbc's `jdbc:postgresql://host:5432/db?user=…&password=…`. */
  readonly url: string;
  /** A table (or view), optionally schema-qualified: every column of it. Give this or `query`. */
  readonly dbtable?: string;
  /** A SELECT whose rows are the static side (Spark's `query` option). Give this or `dbtable`. */
  readonly query?: string;
  readonly user?: string;
  /** Never shown: scrubbed from explain(), progress, every error and log line. */
  readonly password?: string;
}

/** A PostgreSQL static side; `end()` closes its connection (it also lets the process exit while idle). */
export interface PostgresStaticSide extends StaticSide {
  end(): Promise<void>;
}

/**
 * PostgreSQL text-format values → what the Arrow column takes, by type name (`pg_type.typname`).
 * Each entry is the Spark type Spark's JDBC source gives the PostgreSQL type, and the parse.
 */
const READ_TYPES: Record<string, { readonly spark: (modifier: number) => string; readonly parse: (text: string, column: string) => unknown }> = {
  bool: { spark: () => 'boolean', parse: (v) => v === 't' },
  int2: { spark: () => 'smallint', parse: Number },
  int4: { spark: () => 'int', parse: Number },
  oid: { spark: () => 'bigint', parse: (v) => BigInt(v) },
  int8: { spark: () => 'bigint', parse: (v) => BigInt(v) },
  float4: { spark: () => 'float', parse: Number },
  float8: { spark: () => 'double', parse: Number },
  numeric: { spark: numericType, parse: (v, column) => (v === 'NaN' ? unreadable(column, 'NaN', 'numeric') : v) },
  text: { spark: () => 'string', parse: (v) => v },
  varchar: { spark: () => 'string', parse: (v) => v },
  bpchar: { spark: () => 'string', parse: (v) => v },
  name: { spark: () => 'string', parse: (v) => v },
  uuid: { spark: () => 'string', parse: (v) => v },
  json: { spark: () => 'string', parse: (v) => v },
  jsonb: { spark: () => 'string', parse: (v) => v },
  date: { spark: () => 'date', parse: (v, column) => isoInstant(`${v}T00:00:00Z`, column, v) },
  timestamptz: { spark: () => 'timestamp', parse: (v, column) => isoInstant(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'), column, v) },
  // Without a zone: read as UTC (the session runs in UTC, as Spark's JDBC reads use the session zone).
  timestamp: { spark: () => 'timestamp', parse: (v, column) => isoInstant(`${v.replace(' ', 'T')}Z`, column, v) },
  bytea: { spark: () => 'binary', parse: (v) => Uint8Array.from(Buffer.from(v.slice(2), 'hex')) },
};

/** numeric(p,s) → DECIMAL(p,s); an unconstrained numeric → DECIMAL(38,18), as Spark's PostgresDialect maps it. */
function numericType(modifier: number): string {
  if (modifier < 4) return 'decimal(38,18)';
  const precision = ((modifier - 4) >> 16) & 0xffff;
  const scale = (modifier - 4) & 0xffff;
  return `decimal(${precision},${scale})`;
}

function isoInstant(iso: string, column: string, text: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? unreadable(column, text, 'timestamp') : ms;
}

function unreadable(column: string, text: string, type: string): never {
  throw new SluiceError('TYPE_MISMATCH', `Column '${column}' of the PostgreSQL static side holds ${type} ${JSON.stringify(text)}, which has no Spark value; filter or cast it in the query.`, {
    details: { column },
  });
}

/**
 * The rows of a PostgreSQL table or query as the static side of a stream–static join (Spark's
 * JDBC relation joined to a stream). The query runs again before every micro-batch, as Spark
 * re-plans and re-executes the batch side of the join each micro-batch: a row inserted between
 * two batches joins from the next batch on. The columns are taken from the query's result when
 * the side is defined (PostgreSQL types map as Spark's PostgresDialect maps them; a type without
 * a mapping is an error naming the column). The url and password never appear in `explain()`,
 * progress, errors or logs.
 *
 * @example
 * const customers = await staticPostgres({ url: 'postgres://app@db:5432/shop', query: 'SELECT id AS customer_id, tier FROM customers' });
 * orders.pipe(join(customers, 'customer_id', 'left_outer'))
 */
export async function staticPostgres(config: StaticPostgresConfig): Promise<PostgresStaticSide> {
  if ((config.dbtable === undefined) === (config.query === undefined)) {
    throw new SluiceError('INVALID_OPTION', "staticPostgres needs exactly one of 'dbtable' (a table) and 'query' (a SELECT), as Spark's JDBC source does.", { details: { format: 'postgres' } });
  }
  const connection = resolveConnection(config.url, config.user, config.password);
  const source = config.query !== undefined ? `(${config.query}) AS sluice_static` : config.dbtable!;
  const description = `JDBCRelation(postgres ${connection.display}) [${config.query !== undefined ? `query: ${config.query}` : `dbtable: ${config.dbtable}`}]`;
  const { Pool } = pgModule();
  const pool = new Pool({ ...connection.config, max: 1, allowExitOnIdle: true });
  pool.on('error', () => {}); // an idle connection lost: the next read reconnects, or reports why it cannot
  const run = async (sql: string): Promise<pg.QueryResult<unknown[]>> => {
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      await client.query("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO'");
      // Every value as PostgreSQL's text: the parse is by the column's type, below.
      return await client.query({ text: sql, rowMode: 'array', types: { getTypeParser: () => (value: string) => value } as never });
    } catch (error) {
      throw toSluiceError(error, connection.display, 'reading the static side of a join');
    } finally {
      client?.release();
    }
  };

  let columns: { name: string; parse: (text: string, column: string) => unknown }[];
  let schema: Schema;
  try {
    const probe = await run(`SELECT * FROM ${source} LIMIT 0`);
    const typeNames = await run(`SELECT oid::bigint, typname FROM pg_type WHERE oid IN (${[...new Set(probe.fields.map((f) => f.dataTypeID)), 0].join(', ')})`);
    const byOid = new Map(typeNames.rows.map((r) => [Number(r[0]), String(r[1])]));
    const ddl: Record<string, string> = {};
    columns = probe.fields.map((field) => {
      const typname = byOid.get(field.dataTypeID) ?? String(field.dataTypeID);
      const read = READ_TYPES[typname];
      if (!read) {
        throw new SluiceError('TYPE_MISMATCH', `Column '${field.name}' of the PostgreSQL static side has type ${typname}, which has no Spark type here; cast it in the query (e.g. ${field.name}::text).`, {
          details: { column: field.name, pgType: typname },
        });
      }
      if (field.name in ddl) throw new SluiceError('INVALID_OPTION', `The PostgreSQL static side has two columns named '${field.name}'; alias one in the query.`, { details: { column: field.name } });
      ddl[field.name] = read.spark(field.dataTypeModifier);
      return { name: field.name, parse: read.parse };
    });
    schema = toSchema(ddl);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }

  let reads = 0;
  return {
    kind: 'static',
    schema,
    description,
    // A fresh token every micro-batch: the query runs again each batch, as Spark's does.
    version: async () => ++reads,
    load: async (): Promise<Table> => {
      const result = await run(`SELECT * FROM ${source}`);
      const rows = result.rows.map((values) => {
        const row: Record<string, unknown> = {};
        columns.forEach((c, i) => {
          const text = values[i] as string | null;
          row[c.name] = text === null ? null : c.parse(text, c.name);
        });
        return row;
      });
      return tableFromRows(schema, rows);
    },
    end: () => pool.end(),
  };
}
