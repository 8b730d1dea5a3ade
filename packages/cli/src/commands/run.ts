import { constants } from 'node:os';
import { createLogger, QueryManager, type Logger, type LogLevel, type StreamingQuery } from '@sluice/core';
import { describeError } from '@sluice/core/connector';
import { toTrigger } from '@sluice/core/internal';
import type { UiServer } from '@sluice/ui';
import { EXIT } from '../exitCodes.ts';
import { triggerOf, writerOf } from '../job/job.ts';
import { loadJob } from '../job/loadJob.ts';
import { jsonLogger } from '../logging/jsonLogger.ts';
import { ProgressLine } from '../logging/progressLine.ts';

export interface RunOptions {
  readonly job: string;
  /** Make the source and sink formats available (imported once the signal handlers are in place). */
  readonly registerFormats: () => Promise<void>;
  readonly ui?: number;
  readonly metrics?: number;
  readonly host: string;
  readonly stopDeadlineMs: number;
  readonly logFormat: 'json' | 'pretty';
  readonly logLevel: Exclude<LogLevel, 'silent'>;
  readonly trigger?: string;
}

/** Lifecycle states inside a batch: a stop waits for the batch to commit. */
const IN_BATCH = new Set(['walCommit', 'processing', 'committing']);


/**
 * `sluice run <job>`: start every query of the job under one manager, serve the UI and metrics
 * when asked, report progress (a live line in a terminal, JSON lines otherwise), and stop at the
 * batch boundary on SIGTERM/SIGINT. Resolves to the exit code.
 */
export async function runCommand(options: RunOptions): Promise<number> {
  const log: Logger = options.logFormat === 'json' ? jsonLogger({ level: options.logLevel }) : createLogger({ level: options.logLevel });
  // Signals: the first stops every query at its batch boundary within the deadline; a second exits now.
  let signalled: NodeJS.Signals | undefined;
  let stopping: Promise<void> | undefined;
  let manager: QueryManager | undefined;
  const queries: StreamingQuery[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn(`received ${signal} again: exiting now (a batch in flight re-runs on restart; the checkpoint stays consistent)`);
      process.exit(128 + (constants.signals[signal] ?? 15));
    }
    signalled = signal;
    const active = queries.filter((q) => q.isActive);
    const inFlight = active.filter((q) => IN_BATCH.has(q.lifecycleState));
    const detail = inFlight.length > 0 ? `; ${inFlight.map((q) => `${q.name ?? q.id} has a batch in flight (${q.lifecycleState}) that may finish`).join(', ')}` : '; no batch is in flight';
    log.warn(`received ${signal}: stopping ${active.length} ${active.length === 1 ? 'query' : 'queries'} at the batch boundary within ${options.stopDeadlineMs} ms${detail}. Send ${signal} again to exit at once.`, { signal, inFlight: inFlight.length });
    stopping = manager?.stopAll({ deadlineMs: options.stopDeadlineMs });
    // A step that ignores its abort signal could hold the stop forever: the process still ends.
    setTimeout(() => {
      log.error(`queries did not stop within ${options.stopDeadlineMs} ms of ${signal} plus 5 s: exiting (the checkpoint stays consistent; its lock is taken over on restart)`);
      process.exit(EXIT.deadlineExceeded);
    }, options.stopDeadlineMs + 5000).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  await options.registerFormats();
  const job = await loadJob(options.job).catch((error: unknown) => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    throw error;
  });
  const running = new QueryManager({ logger: log, ...(job.restart ? { restart: job.restart } : {}) });
  manager = running;
  const servers: UiServer[] = [];
  const line = options.logFormat === 'pretty' && process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  const fields = (q: StreamingQuery) => ({ queryId: q.id, runId: q.runId, queryName: q.name ?? undefined });

  running.addListener({
    onQueryProgress: ({ progress }) => {
      const query = running.get(progress.id);
      const idle = progress.durationMs.addBatch === undefined;
      if (line && query && !idle) return line.update(progress, query.status.message);
      const batch = { queryId: progress.id, runId: progress.runId, queryName: progress.name ?? undefined, batchId: progress.batchId };
      if (idle) log.debug('no new data', batch);
      else log.info(`batch ${progress.batchId} committed: ${progress.numInputRows} rows`, {
        ...batch, numInputRows: progress.numInputRows, inputRowsPerSecond: progress.inputRowsPerSecond, processedRowsPerSecond: progress.processedRowsPerSecond, batchDurationMs: progress.batchDuration,
      });
    },
    onQueryTerminated: (event) => {
      line?.done();
      if (event.exception) log.error(`query terminated with an exception: ${event.exception}`, { queryId: event.id, runId: event.runId, errorClass: event.errorClassOnException });
      else log.info('query stopped', { queryId: event.id, runId: event.runId });
    },
  });

  try {
    // The UI package (prom-client and all) loads only when a port asks for it.
    const { serveUi } = options.ui !== undefined || options.metrics !== undefined ? await import('@sluice/ui') : { serveUi: undefined };
    if (options.ui !== undefined) servers.push(await serveUi!(running, { port: options.ui, host: options.host }));
    if (options.metrics !== undefined) servers.push(await serveUi!(running, { port: options.metrics, host: options.host, pages: false }));
    for (const server of servers) log.info(`${server === servers[0] && options.ui !== undefined ? 'web UI' : 'metrics'} at ${server.url}`);
    const trigger = options.trigger === undefined ? undefined : toTrigger(triggerOf(options.trigger, '--trigger'));
    for (const entry of job.queries) {
      if (signalled) break;
      const writer = writerOf(entry, running);
      if (trigger) writer.trigger(trigger);
      const query = await writer.start();
      queries.push(query);
      log.info(`query started (${query.status.message})`, fields(query));
      query.lifecycle$.subscribe((state) => log.debug(`state ${state}`, { ...fields(query), state }));
    }
    if (signalled) await (stopping = running.stopAll({ deadlineMs: options.stopDeadlineMs }));
    await Promise.all(queries.map((q) => q.awaitTermination().catch(() => undefined)));
  } catch (error) {
    line?.done();
    await running.stopAll({ deadlineMs: options.stopDeadlineMs });
    // A signal that lands while a query is starting stops that start: a clean stop, not a failure.
    if (signalled) return EXIT.ok;
    log.error(`could not start the job: ${describeError(error)}`);
    return EXIT.queryFailed;
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  line?.done();
  return queries.some((q) => q.exception) ? EXIT.queryFailed : EXIT.ok;
}
