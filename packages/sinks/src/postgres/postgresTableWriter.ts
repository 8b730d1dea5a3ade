import type { Table } from 'apache-arrow';
import type { ClientBase } from 'pg';
import { SluiceError } from '@sluice/core';
import { parseTableName } from './tableName.ts';
import { TableWriter } from './tableWriter.ts';

/** Options of `postgresTableWriter`. */
export interface PostgresTableWriterConfig {
  /** Target table, optionally schema-qualified. */
  readonly dbtable: string;
  readonly mode?: 'append' | 'upsert';
  /** The conflict key of `mode: 'upsert'` (a primary key or unique index of the table). */
  readonly keyColumns?: readonly string[];
  readonly createTableIfNotExists?: boolean;
  /** Rows encoded per chunk handed to COPY (default 10 000). */
  readonly batchSize?: number;
}

/** Writes Arrow tables into one table through a client the caller owns (and its transaction). */
export interface PostgresTableWriter {
  /** Append (binary COPY) or upsert `table`; returns the rows written. Checks the table's shape once per schema. */
  write(client: ClientBase, table: Table): Promise<number>;
}

/**
 * The postgres sink's writer for foreachBatch code: `df.write.format("jdbc")…save()` of a Spark
 * `write_to_db` function, as one call inside the caller's transaction (see `idempotentBatch`).
 * With `createTableIfNotExists`, create the table beforehand when several writers start at once:
 * two transactions creating the same table conflict.
 *
 * @example
 * const results = postgresTableWriter({ dbtable: 'results', createTableIfNotExists: true });
 * await idempotentBatch(pool, { queryId, sinkName: 'results' }, batchId, (client) => results.write(client, table));
 */
export function postgresTableWriter(config: PostgresTableWriterConfig): PostgresTableWriter {
  const mode = config.mode ?? 'append';
  const keyColumns = config.keyColumns ?? [];
  if (mode === 'upsert' && keyColumns.length === 0) {
    throw new SluiceError('MISSING_OPTION', "postgresTableWriter with mode 'upsert' needs keyColumns (the table's primary key or unique index columns).", { details: { option: 'keyColumns' } });
  }
  const writer = new TableWriter({
    table: parseTableName(config.dbtable),
    mode,
    keyColumns,
    createTableIfNotExists: config.createTableIfNotExists ?? false,
    batchSize: config.batchSize ?? 10_000,
  });
  return {
    async write(client, table) {
      try {
        const plan = await writer.prepare(client, table.schema);
        return await writer.write(client, plan, table);
      } catch (error) {
        writer.invalidate();
        throw error;
      }
    },
  };
}
