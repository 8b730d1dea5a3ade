import type { Table } from 'apache-arrow';
import { Subject, type Observable } from 'rxjs';
import type { OutputMode, SinkProvider } from '@sluice/core';
import type { Sink } from '@sluice/core/connector';

const MODES: ReadonlySet<OutputMode> = new Set(['append', 'update', 'complete']);

/** A batch the observable sink emits once its commit is durable. */
export interface CommittedBatch {
  readonly batchId: number;
  readonly table: Table;
}

export interface ObservableSinkProvider extends SinkProvider {
  /** Each batch, emitted only once its commit is durable: a subscriber never sees a batch that will be replayed. */
  readonly batches$: Observable<CommittedBatch>;
}

/**
 * A sink that is an Observable: a UI or another pipeline subscribes to committed results
 * instead of polling a table.
 *
 * @example
 * const results = observableSink();
 * results.batches$.subscribe(({ batchId, table }) => render(batchId, table));
 * await stream.writeTo(results);
 */
export function observableSink(): ObservableSinkProvider {
  const subject = new Subject<CommittedBatch>();
  return {
    format: 'observable',
    guarantee: 'exactly-once',
    outputModes: MODES,
    options: {},
    allowsTemporaryCheckpoint: true,
    batches$: subject.asObservable(),
    open: async () => new ObservableSink(subject),
  };
}

class ObservableSink implements Sink {
  readonly description = 'ObservableSink';
  readonly guarantee = 'exactly-once' as const;
  readonly outputModes = MODES;
  private pending: CommittedBatch | undefined;

  constructor(private readonly subject: Subject<CommittedBatch>) {}

  async addBatch(batchId: number, table: Table): Promise<void> {
    this.pending = { batchId, table };
  }

  batchCommitted(batchId: number): void {
    if (this.pending?.batchId === batchId) this.subject.next(this.pending);
    this.pending = undefined;
  }

  async close(): Promise<void> {}
}
