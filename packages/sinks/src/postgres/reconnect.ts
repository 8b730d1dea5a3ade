import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { SimulatedCrash } from '@sluice/core/connector';
import { SluiceError, silentLogger, type Logger } from '@sluice/core';
import { classifyPgError, pgMessage, sanitizedCause, toSluiceError } from './pgErrors.ts';

/** How long and how often an operation is retried when PostgreSQL cannot be reached. */
export interface ReconnectPolicy {
  /** Give up (PG_UNREACHABLE) when the next try would start later than this after the first. */
  readonly timeoutMs: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Clock and timers; the query's scheduler inside the engine. */
  readonly scheduler?: SchedulerLike;
  readonly log?: Logger;
  /** Stops retrying (and waiting) at once. */
  readonly signal?: AbortSignal;
  /** `user@host:port/db`, for messages. */
  readonly server: string;
}

/**
 * Run `attempt` until it succeeds, retrying lost connections, server restarts and transaction
 * conflicts with exponential backoff (100 ms doubling to 2 s by default) for at most
 * `timeoutMs`. Each attempt must be whole on its own (one transaction), because a retry
 * starts it again from the beginning. Wrong credentials and other failures are not retried.
 */
export async function withReconnect<T>(policy: ReconnectPolicy, doing: string, attempt: (tryNumber: number) => Promise<T>): Promise<T> {
  const scheduler = policy.scheduler ?? asyncScheduler;
  const log = policy.log ?? silentLogger;
  const start = scheduler.now();
  let backoff = policy.initialBackoffMs ?? 100;
  const maxBackoff = policy.maxBackoffMs ?? 2000;
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      return await attempt(tryNumber);
    } catch (error) {
      // A simulated crash is the process dying, not a database error: it passes through untouched.
      if (error instanceof SimulatedCrash) throw error;
      const kind = error instanceof SluiceError ? 'fatal' : classifyPgError(error);
      if (kind === 'fatal' || kind === 'auth') throw toSluiceError(error, policy.server, doing);
      const elapsed = scheduler.now() - start;
      if (policy.signal?.aborted || elapsed + backoff > policy.timeoutMs) {
        throw new SluiceError(
          'PG_UNREACHABLE',
          `PostgreSQL at ${policy.server} could not be reached while ${doing}: gave up after ${tryNumber} attempt(s) over ${(elapsed / 1000).toFixed(1)} s (option reconnectTimeout = ${policy.timeoutMs} ms). Last error: ${pgMessage(error)}. Check that the server is running and reachable.`,
          { cause: sanitizedCause(error), details: { server: policy.server, attempts: tryNumber } },
        );
      }
      log.warn(`PostgreSQL at ${policy.server}: ${pgMessage(error)} while ${doing}; retrying in ${backoff} ms (attempt ${tryNumber + 1}).`);
      await sleep(scheduler, backoff, policy.signal);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }
}

function sleep(scheduler: SchedulerLike, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      signal?.removeEventListener('abort', done);
      task.unsubscribe();
      resolve();
    };
    const task = scheduler.schedule(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
