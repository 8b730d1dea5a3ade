import type { ClientBase } from 'pg';
import { SluiceError } from '@sluice/core';
import { displayName, qualifiedSql, type TableName } from './tableName.ts';

/**
 * The progress table: one row per (query, sink) holding the last batch id whose data is
 * committed. The row is written in the batch's own transaction, so "data committed" and
 * "batch recorded" are one fact; a replayed batch at or below the recorded id is skipped.
 */
export function progressTableSql(table: TableName): string {
  return `CREATE TABLE IF NOT EXISTS ${qualifiedSql(table)} (
  query_id text NOT NULL,
  sink_name text NOT NULL,
  batch_id bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (query_id, sink_name))`;
}

/** Create the progress table if missing, and check that a table of that name is really one. */
export async function ensureProgressTable(client: ClientBase, table: TableName): Promise<void> {
  try {
    await client.query(progressTableSql(table));
  } catch (error) {
    // Two writers creating it at once: the loser sees a duplicate; the table is there either way.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P07') throw error;
  }
  try {
    await client.query(`SELECT query_id, sink_name, batch_id FROM ${qualifiedSql(table)} WHERE false`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42703') throw error;
    throw new SluiceError('SCHEMA_MISMATCH', `Table ${displayName(table)} exists but is not a Sluice progress table (it needs columns query_id, sink_name, batch_id). Choose another name with option 'progressTable'.`, {
      details: { table: displayName(table) },
    });
  }
}

export type ClaimResult = { readonly claimed: true } | { readonly claimed: false; readonly recordedBatchId: number };

/**
 * Inside the batch's transaction: record `batchId` unless this or a later batch is already
 * recorded. The row lock taken here is held until commit, so a second writer of the same
 * batch (a zombie run) waits, then finds the batch recorded and skips: only one commits.
 */
export async function claimBatch(client: ClientBase, table: TableName, queryId: string, sinkName: string, batchId: number): Promise<ClaimResult> {
  const claimed = await client.query(
    `INSERT INTO ${qualifiedSql(table)} AS p (query_id, sink_name, batch_id) VALUES ($1, $2, $3)
     ON CONFLICT (query_id, sink_name) DO UPDATE SET batch_id = EXCLUDED.batch_id, updated_at = now()
     WHERE p.batch_id < EXCLUDED.batch_id RETURNING batch_id`,
    [queryId, sinkName, batchId],
  );
  if ((claimed.rowCount ?? 0) > 0) return { claimed: true };
  const recorded = await recordedBatchId(client, table, queryId, sinkName);
  return { claimed: false, recordedBatchId: recorded ?? batchId };
}

/** The last batch id recorded for (query, sink), or `null` when none is. */
export async function recordedBatchId(client: ClientBase, table: TableName, queryId: string, sinkName: string): Promise<number | null> {
  const result = await client.query<{ batch_id: string }>(
    `SELECT batch_id FROM ${qualifiedSql(table)} WHERE query_id = $1 AND sink_name = $2`,
    [queryId, sinkName],
  );
  const row = result.rows[0];
  return row ? Number(row.batch_id) : null;
}
