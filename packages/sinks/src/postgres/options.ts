import { SluiceError } from '@sluice/core';
import { defineOptions, opt } from '@sluice/core/connector';
import { resolveConnection, type ResolvedConnection } from './connectionString.ts';
import { parseTableName, type TableName } from './tableName.ts';

/** The `postgres` sink's options, as `format('postgres').option(…)` and `postgresSink({…})` take them. */
export const postgresOptionSchema = defineOptions('postgres', {
  url: opt.nonEmptyString().required().describe('postgres://user@host:5432/db, or jdbc:postgresql://host:5432/db?user=…'),
  dbtable: opt.nonEmptyString().required().describe('target table, optionally schema-qualified (analytics.results)'),
  user: opt.nonEmptyString().describe('overrides the user in url'),
  password: opt.string().secret().describe('overrides the password in url'),
  createTableIfNotExists: opt.boolean().default(false).describe('create the table from the batch schema when missing'),
  mode: opt.oneOf(['append', 'upsert'] as const).default('append').describe("'append' (COPY) or 'upsert' (INSERT … ON CONFLICT DO UPDATE)"),
  keyColumns: opt.stringList().describe("the conflict key for mode 'upsert'"),
  batchSize: opt.positiveInt().default(10_000).describe('rows encoded per chunk sent to COPY'),
  progressTable: opt.nonEmptyString().describe("where batch ids are recorded (default: sluice_progress in the table's schema)"),
  reconnectTimeout: opt.duration('ms').default(60_000).describe('how long a batch keeps retrying a lost connection before PG_UNREACHABLE'),
  connectTimeout: opt.duration('ms').default(10_000).describe('timeout of one connection attempt'),
  poolSize: opt.positiveInt().default(2).describe('connections kept by the sink'),
});

export type PostgresMode = 'append' | 'upsert';

/** The options after parsing: typed, defaulted, the connection resolved. */
export interface PostgresSinkOptions {
  readonly connection: ResolvedConnection;
  readonly table: TableName;
  readonly createTableIfNotExists: boolean;
  readonly mode: PostgresMode;
  readonly keyColumns: readonly string[];
  readonly batchSize: number;
  readonly progressTable: TableName;
  readonly reconnectTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly poolSize: number;
}

/**
 * Parse raw options once, at the edge. Besides the per-option checks: `mode: 'upsert'` needs
 * `keyColumns`, and `keyColumns` means nothing without it.
 */
export function parsePostgresOptions(raw: Readonly<Record<string, unknown>>): PostgresSinkOptions {
  const { options } = postgresOptionSchema.parse(raw);
  const keyColumns = options.keyColumns ?? [];
  if (options.mode === 'upsert' && keyColumns.length === 0) {
    throw new SluiceError('MISSING_OPTION', "Format 'postgres' with mode 'upsert' requires option 'keyColumns': the columns of the table's primary key or unique index, e.g. keyColumns: ['id'].", {
      details: { format: 'postgres', option: 'keyColumns' },
    });
  }
  if (options.mode === 'append' && keyColumns.length > 0) {
    throw new SluiceError('INVALID_OPTION', "Option 'keyColumns' of format 'postgres' only applies to mode 'upsert'; set mode: 'upsert' or drop keyColumns.", {
      details: { format: 'postgres', option: 'keyColumns' },
    });
  }
  if (new Set(keyColumns).size !== keyColumns.length) {
    throw new SluiceError('INVALID_OPTION', `Option 'keyColumns' of format 'postgres' names a column twice: ${keyColumns.join(', ')}.`, {
      details: { format: 'postgres', option: 'keyColumns' },
    });
  }
  const table = parseTableName(options.dbtable);
  const progressTable = options.progressTable === undefined
    ? { ...(table.schema === undefined ? {} : { schema: table.schema }), name: 'sluice_progress' }
    : parseTableName(options.progressTable, 'progressTable');
  return {
    connection: resolveConnection(options.url, options.user, options.password),
    table,
    createTableIfNotExists: options.createTableIfNotExists,
    mode: options.mode,
    keyColumns,
    batchSize: options.batchSize,
    progressTable,
    reconnectTimeoutMs: options.reconnectTimeout,
    connectTimeoutMs: options.connectTimeout,
    poolSize: options.poolSize,
  };
}
