/**
 * The demo (`make demo`): a rate source through a small transformation into the console sink,
 * printing Spark-style batch tables and a live progress line, on nothing but Node.
 *
 *   pnpm tsx examples/rate-to-console.ts            # runs 20 s (DEMO_SECONDS=0 runs until Ctrl-C)
 */
import { col, currentTimestamp, filter, processingTime, withColumn, type StreamingQueryProgress } from '@sluice/core';
import { rateSource } from '@sluice/sources';
import { consoleSink } from '@sluice/sinks';

const seconds = Number(process.env['DEMO_SECONDS'] ?? 20);
// In a terminal the status line is rewritten in place; piped, each executed batch gets one line.
const live = process.stderr.isTTY;
// Declared before the query starts: status$ emits its current value on subscribe.
let lastLine = '';

const events = rateSource({ rowsPerSecond: 5, numPartitions: 2 }).pipe(
  withColumn('even', col('value').mod(2).eq(0)),
  withColumn('processed_at', currentTimestamp()),
  filter(col('value').gte(3)),
);

const query = await events.writeTo(
  consoleSink({ numRows: 6, truncate: false, write: (text) => (clearLine(), process.stdout.write(text)) }),
  { queryName: 'rate_to_console', trigger: processingTime('2 seconds') },
);

query.progress$.subscribe((progress) => showProgress(progress));
const statusLine = query.status$.subscribe((status) => live && showLine(`${status.message}`));

const stop = async () => {
  await query.stop();
  statusLine.unsubscribe();
  clearLine();
  console.error(`Stopped after ${query.recentProgress.filter((p) => p.numInputRows > 0).length} batches. Last progress:`);
  console.error(JSON.stringify(query.lastProgress, null, 2));
};
process.once('SIGINT', () => void stop());
if (seconds > 0) setTimeout(() => void stop(), seconds * 1000);
await query.awaitTermination();

function showProgress(p: StreamingQueryProgress): void {
  // Idle progress (Spark's no-data events: nothing ran, no addBatch) is not a batch.
  if (p.durationMs.addBatch === undefined) return;
  const rate = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(1));
  clearLine();
  process.stderr.write(
    `» batch ${p.batchId} · ${p.numInputRows} rows · ${rate(p.inputRowsPerSecond)} rows/s in · ${rate(p.processedRowsPerSecond)} rows/s processed · trigger ${p.durationMs.triggerExecution ?? 0} ms (wal ${p.durationMs.walCommit ?? 0}, sink ${p.durationMs.addBatch ?? 0}, commit ${p.durationMs.commitOffsets ?? 0})\n`,
  );
  lastLine = '';
}

/** The live status line (terminals only): rewritten in place. */
function showLine(text: string): void {
  lastLine = text;
  process.stderr.write(`\r\x1b[K» ${text}`);
}

function clearLine(): void {
  if (live && lastLine) process.stderr.write('\r\x1b[K');
}
