import { timer, firstValueFrom, type SchedulerLike } from 'rxjs';
import { isConnectivityError } from '@sluice/kafka/internal';
import type { Logger } from '@sluice/core';

export interface PatienceOptions {
  readonly scheduler: SchedulerLike;
  readonly log: Logger;
  /** Retries before the cluster was ever reached (Spark's `fetchOffset.numRetries`). */
  readonly retriesBeforeContact: number;
  /** First retry delay, doubled up to 1 s (Spark's `fetchOffset.retryIntervalMs`). */
  readonly retryIntervalMs: number;
  /** How long an outage is waited out once the cluster has been reached (`kafkaConsumer.pollTimeoutMs`). */
  readonly outageTimeoutMs: number;
}

/**
 * Runs Kafka calls with the source's patience: a cluster that was never reached fails fast
 * (a wrong `kafka.bootstrap.servers` is reported in seconds), while a cluster that answered
 * before is waited out — a broker restart must not fail a long-running query. Only
 * connectivity errors are retried; a refusal (authorization, unknown topic) fails at once.
 */
export class Patience {
  private reached = false;

  constructor(private readonly options: PatienceOptions) {}

  async run<T>(action: string, work: () => Promise<T>): Promise<T> {
    const { scheduler, retriesBeforeContact, retryIntervalMs, outageTimeoutMs, log } = this.options;
    let attempt = 0;
    let since: number | undefined;
    for (;;) {
      try {
        const result = await work();
        if (since !== undefined) log.info(`Kafka is reachable again; ${action} succeeded after ${scheduler.now() - since} ms.`);
        this.reached = true;
        return result;
      } catch (error) {
        if (!isConnectivityError(error)) throw error;
        since ??= scheduler.now();
        const exhausted = this.reached ? scheduler.now() - since >= outageTimeoutMs : attempt >= retriesBeforeContact;
        if (exhausted) throw error;
        if (attempt === 0 && this.reached) log.warn(`Kafka is unreachable while ${action}; retrying for up to ${outageTimeoutMs} ms.`);
        const delay = Math.min(1_000, retryIntervalMs * 2 ** attempt);
        attempt++;
        await firstValueFrom(timer(delay, scheduler));
      }
    }
  }
}
