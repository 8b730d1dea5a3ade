import type { SchedulerLike } from 'rxjs';
import type { Pool, PoolClient } from 'pg';
import { registerSecret } from '@sluice/core/connector';
import { type Logger } from '@sluice/core';
import { resolveConnection } from './connectionString.ts';
import { claimBatch, ensureProgressTable } from './progressTable.ts';
import { withReconnect } from './reconnect.ts';
import { displayName, parseTableName, type TableName } from './tableName.ts';

/** Which progress row a batch is recorded in. */
export interface BatchIdentity {
  /** The streaming query's id (stable across restarts: it lives in the checkpoint). */
  readonly queryId: string;
  /** Names the writer within the query, e.g. the table written. */
  readonly sinkName: string;
  /** Progress table, optionally schema-qualified; default `sluice_progress` on the search path. */
  readonly progressTable?: string | TableName;
}

/** Where `idempotentBatch` records the batch ids it has written. */
export interface IdempotentBatchOptions {
  /** How long to keep retrying a lost connection (the whole batch is retried); default 60 s, 0 = never retry. */
  readonly reconnectTimeoutMs?: number;
  readonly scheduler?: SchedulerLike;
  readonly log?: Logger;
  readonly signal?: AbortSignal;
  /** Runs on the connection before the transaction begins (DDL that must not share it). */
  readonly beforeTransaction?: (client: PoolClient) => Promise<void>;
  /** Shown in messages instead of the pool's host. */
  readonly server?: string;
}

/** What `idempotentBatch` returns: your function's result, or that the batch was already written. */
export type IdempotentBatchResult<T> =
  | { readonly skipped: false; readonly result: T }
  | { readonly skipped: true; readonly recordedBatchId: number };

const ensured = new WeakMap<Pool, Set<string>>();

/**
 * Run a foreachBatch function's SQL at most once per batch: `work` runs in one transaction
 * together with the batch's row in the progress table, so after a crash and replay a batch
 * whose transaction committed is skipped, and one that did not commit left nothing behind.
 * If the connection is lost (a server restart), the whole transaction is retried on a new
 * connection with backoff; `work` must therefore do all its effects through `client`.
 *
 * @example
 * await idempotentBatch(pool, { queryId: ctx.queryId, sinkName: 'results' }, batchId, async (client) => {
 *   await client.query('INSERT INTO results SELECT * FROM unnest($1::bigint[])', [ids]);
 * });
 */
export async function idempotentBatch<T>(
  pool: Pool,
  identity: BatchIdentity,
  batchId: number,
  work: (client: PoolClient) => Promise<T>,
  options: IdempotentBatchOptions = {},
): Promise<IdempotentBatchResult<T>> {
  const progress = typeof identity.progressTable === 'string'
    ? parseTableName(identity.progressTable, 'progressTable')
    : identity.progressTable ?? { name: 'sluice_progress' };
  const server = options.server ?? poolServer(pool);
  return withReconnect(
    {
      timeoutMs: options.reconnectTimeoutMs ?? 60_000,
      server,
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    `writing batch ${batchId}`,
    async () => {
      const client = await pool.connect();
      // A checked-out client reports a dropped connection as an 'error' event besides failing its
      // query; without a listener that event would crash the process.
      const ignoreLostConnection = () => {};
      client.on('error', ignoreLostConnection);
      let broken: unknown;
      try {
        const known = ensured.get(pool) ?? new Set<string>();
        ensured.set(pool, known);
        if (!known.has(displayName(progress))) {
          await ensureProgressTable(client, progress);
          known.add(displayName(progress));
        }
        await options.beforeTransaction?.(client);
        await client.query('BEGIN');
        const claim = await claimBatch(client, progress, identity.queryId, identity.sinkName, batchId);
        if (!claim.claimed) {
          await client.query('ROLLBACK');
          return { skipped: true, recordedBatchId: claim.recordedBatchId } as const;
        }
        const result = await work(client);
        await client.query('COMMIT');
        return { skipped: false, result } as const;
      } catch (error) {
        broken = error;
        throw error;
      } finally {
        client.off('error', ignoreLostConnection);
        releaseAfter(client, broken);
      }
    },
  );
}

/**
 * Give the connection back. After a failure inside a transaction it is destroyed rather than
 * rolled back and reused: if the failure was the connection, ROLLBACK would hang or fail, and
 * dropping the connection rolls the transaction back on the server either way.
 */
function releaseAfter(client: PoolClient, error: unknown): void {
  if (error === undefined) client.release();
  else client.release(true);
}

/** `user@host:port/db` of a user's pool, for messages; its password is registered as a secret. */
function poolServer(pool: Pool): string {
  const o = pool.options as { host?: string; port?: number; database?: string; user?: string; password?: unknown; connectionString?: string };
  if (typeof o.password === 'string') registerSecret(o.password);
  if (o.connectionString) {
    try {
      return resolveConnection(o.connectionString, o.user).display;
    } catch {
      return 'the pool\'s server';
    }
  }
  return `${o.user ? `${o.user}@` : ''}${o.host ?? 'localhost'}:${o.port ?? 5432}/${o.database ?? ''}`;
}
