/**
 * Spark's foreachBatch JDBC pattern, in TypeScript and without its duplicates. In PySpark:
 *
 *     def write_to_db(df, epoch_id):
 *         df.write.format("jdbc").option("url", "jdbc:postgresql://localhost/mydb")
 *           .option("dbtable", "results").option("user", "postgres").mode("append").save()
 *     result.writeStream.foreachBatch(write_to_db).outputMode("append").start()
 *
 * After a crash Spark hands `write_to_db` the same epoch again and the rows land twice. Here the
 * batch's writes run in one transaction with a row in `sluice_progress`: a replayed batch that
 * already committed is skipped (`idempotentBatch`). Anything else the function does through
 * `client` (an audit table, a counter) is exactly-once the same way.
 *
 *   pnpm tsx examples/foreach-batch-postgres.ts        # PG_URL, SECONDS and CHECKPOINT may be set
 *
 * When all you need is the table, the sink does the same in one line:
 * `.writeStream().format('postgres').option('url', …).option('dbtable', 'results')`.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Table } from 'apache-arrow';
import { readStream, type StreamingQuery } from '@sluice/core';
import '@sluice/sources';
import { idempotentBatch, postgresTableWriter } from '@sluice/sinks';

export interface WriteToDbOptions {
  /** A postgres:// URL for `pg` (the sink also takes jdbc:postgresql:// URLs). */
  readonly url: string;
  readonly dbtable?: string;
  readonly checkpointLocation: string;
  /**
   * Names this pipeline's progress row. It must stay the same across restarts of one checkpoint
   * (Delta's txnAppId plays the same role); start a new checkpoint, choose a new name.
   */
  readonly appId?: string;
  readonly rowsPerSecond?: number;
}

/** Start `rate → foreachBatch(writeToDb)`; returns the query and the pool (end it after stopping). */
export async function startWriteToDb(options: WriteToDbOptions): Promise<{ query: StreamingQuery; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: options.url, max: 2 });
  pool.on('error', (error) => console.warn(`idle connection lost: ${error.message}`));
  const dbtable = options.dbtable ?? 'results';
  const results = postgresTableWriter({ dbtable, createTableIfNotExists: true });
  const batchLog = `${dbtable}_batches`;
  await pool.query(`CREATE TABLE IF NOT EXISTS ${batchLog} (batch_id bigint PRIMARY KEY, num_rows int NOT NULL, written_at timestamptz DEFAULT now())`);

  // The counterpart of write_to_db(df, epoch_id).
  async function writeToDb(table: Table, batchId: number): Promise<void> {
    await idempotentBatch(pool, { queryId: options.appId ?? 'write_to_db', sinkName: dbtable }, batchId, async (client) => {
      await results.write(client, table); // df.write.format("jdbc")…mode("append").save()
      await client.query(`INSERT INTO ${batchLog} (batch_id, num_rows) VALUES ($1, $2)`, [batchId, table.numRows]); // your own SQL
    });
  }

  const query = await readStream().format('rate').option('rowsPerSecond', options.rowsPerSecond ?? 100).load()
    .writeStream()
    .foreachBatch(writeToDb)
    .outputMode('append')
    .option('checkpointLocation', options.checkpointLocation)
    .start();
  return { query, pool };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env['PG_URL'] ?? 'postgres://postgres:sluice-test-pw@127.0.0.1:5432/postgres';
  const { query, pool } = await startWriteToDb({ url, checkpointLocation: process.env['CHECKPOINT'] ?? '/tmp/sluice-foreach-batch-postgres' });
  await new Promise((resolve) => setTimeout(resolve, Number(process.env['SECONDS'] ?? 3) * 1000));
  await query.stop();
  const { rows } = await pool.query('SELECT count(*)::int AS rows, count(DISTINCT value)::int AS distinct_values FROM results');
  console.log(`results: ${rows[0].rows} rows, ${rows[0].distinct_values} distinct values (run it again: still no duplicates)`);
  console.log(query.lastProgress && `last batch ${query.lastProgress.batchId}: ${query.lastProgress.numInputRows} rows`);
  await pool.end();
}
