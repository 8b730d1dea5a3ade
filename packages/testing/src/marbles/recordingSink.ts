import { isDeepStrictEqual } from 'node:util';
import type { Table } from 'apache-arrow';
import { tableToRows, type BatchContext, type SchedulerLike, type Sink, type SinkProvider } from './coreTypes.ts';

export interface RecordedBatch {
  readonly frame: number;
  readonly queryId: string;
  readonly batchId: number;
  readonly rows: Record<string, unknown>[];
}

/**
 * Wraps a sink (or, by default, none) and records what the engine delivered: each batch at the
 * virtual time of its first delivery. A replay of a batch id must carry exactly the rows of the
 * first delivery — the engine's replay guarantee — and a difference fails the test.
 */
export class SinkRecorder {
  readonly batches: RecordedBatch[] = [];
  readonly replayMismatches: string[] = [];

  constructor(private readonly scheduler: SchedulerLike) {}

  wrap(inner: SinkProvider | undefined): SinkProvider {
    const recorder = this;
    const modes = inner?.outputModes ?? new Set(['append', 'update', 'complete'] as const);
    return {
      format: inner?.format ?? 'marbles',
      guarantee: inner?.guarantee ?? 'exactly-once',
      outputModes: modes,
      options: inner?.options ?? {},
      allowsTemporaryCheckpoint: true,
      open: async (context) => {
        const sink: Sink | undefined = inner ? await inner.open(context) : undefined;
        return {
          description: sink?.description ?? 'MarbleSink',
          guarantee: sink?.guarantee ?? 'exactly-once',
          outputModes: modes,
          async addBatch(batchId: number, table: Table, ctx: BatchContext) {
            await sink?.addBatch(batchId, table, ctx);
            recorder.record(ctx.queryId, batchId, tableToRows(table));
          },
          ...(sink?.lastBatchOutputRows ? { lastBatchOutputRows: () => sink.lastBatchOutputRows!() } : {}),
          ...(sink?.batchCommitted ? { batchCommitted: (id: number) => sink.batchCommitted!(id) } : {}),
          close: async () => sink?.close(),
        };
      },
    };
  }

  private record(queryId: string, batchId: number, rows: Record<string, unknown>[]): void {
    const first = this.batches.find((b) => b.queryId === queryId && b.batchId === batchId);
    if (!first) {
      this.batches.push({ frame: this.scheduler.now(), queryId, batchId, rows });
      return;
    }
    if (!isDeepStrictEqual(first.rows, rows)) {
      this.replayMismatches.push(`batch ${batchId} was replayed with other rows: first ${JSON.stringify(first.rows, bigints)}, then ${JSON.stringify(rows, bigints)}`);
    }
  }
}

export function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
