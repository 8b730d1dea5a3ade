import { SluiceError, type Logger } from '@sluice/core';

/**
 * What the source does when offsets it should read are gone (aged out by retention, topic
 * deleted or recreated, broker restarted empty): with `failOnDataLoss` (the default) the query
 * fails with `KAFKA_DATA_LOSS`; without it a warning is logged, the offsets are skipped and
 * counted for the `sources[].metrics` of progress.
 */
export class DataLossPolicy {
  private lost = 0;

  constructor(
    private readonly failOnDataLoss: boolean,
    private readonly log: Logger,
  ) {}

  /** Offsets skipped so far in this run (lost ranges of unknown size count what is known). */
  get lostOffsets(): number {
    return this.lost;
  }

  /** Report lost offsets `[from, until)` of a partition; throws unless `failOnDataLoss` is off. */
  report(topic: string, partition: number, from: number, until: number | null, reason: string): void {
    const range = until === null ? `from offset ${from}` : `offsets [${from}, ${until})`;
    const what = `${topic}-${partition} ${range}: ${reason}`;
    if (this.failOnDataLoss) {
      throw new SluiceError(
        'KAFKA_DATA_LOSS',
        `Kafka data may have been lost: ${what}. The records are no longer available in Kafka: they were aged out by retention, ` +
          "or the topic was deleted or recreated before the query read them. If you want the query to skip them and continue, set the source option 'failOnDataLoss' to 'false'.",
        { details: { topic, partition, fromOffset: from, untilOffset: until } },
      );
    }
    if (until !== null && until > from) this.lost += until - from;
    this.log.warn(`Kafka data lost, skipping ${what} (failOnDataLoss is false).`);
  }
}
