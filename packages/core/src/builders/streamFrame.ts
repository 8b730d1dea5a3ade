import type { Schema } from 'apache-arrow';
import { SluiceError } from '../errors.ts';
import type { QueryManager } from '../query/queryManager.ts';
import type { StreamingQuery } from '../query/streamingQuery.ts';
import type { TriggerLike } from '../triggers/trigger.ts';
import type { OutputMode, SinkProvider, SourceProvider } from '../types.ts';
import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import { planSources, type PlanNode, type PlanStep } from './plan.ts';
import { DataStreamWriter } from './dataStreamWriter.ts';
import { defineFrameView } from '../sql/catalog.ts';

/** A transformation of a stream, composed with `pipe` like an RxJS operator. */
export type Operator = (frame: StreamFrame) => StreamFrame;

/** Options of `writeTo`, the typed route to a running query. */
export interface WriteToOptions {
  readonly checkpointLocation?: string | CheckpointStore;
  readonly trigger?: TriggerLike;
  readonly queryName?: string;
  readonly outputMode?: OutputMode;
  readonly manager?: QueryManager;
  /** Where stateful operators keep their state: `memory` (default) or `rocksdb` (needs `@sluice/state-rocksdb`). */
  readonly stateStore?: string;
}

/**
 * An unbounded table: what a source loads and operators transform (Spark's streaming DataFrame).
 * Immutable: every operator returns a new frame. Its schema is known before the query starts,
 * so a column that does not exist fails at definition time, not in batch 1,000.
 *
 * @example
 * const evens = rateSource({ rowsPerSecond: 10 }).pipe(filter(col('value').mod(2).eq(0)));
 * const query = await evens.writeTo(consoleSink(), { trigger: processingTime('1 second') });
 */
export class StreamFrame {
  /** Always true (Spark's `isStreaming`): tells a stream from a `sql()` result over tables (`BatchFrame`). */
  readonly isStreaming = true as const;

  constructor(readonly node: PlanNode) {}

  static fromSource(provider: SourceProvider): StreamFrame {
    return new StreamFrame({ kind: 'source', provider, schema: provider.schema });
  }

  get schema(): Schema {
    return this.node.schema;
  }

  /** The sources this frame reads, in checkpoint order (`sources/<i>/`). */
  get sources(): SourceProvider[] {
    return planSources(this.node);
  }

  /** Apply operators left to right: `frame.pipe(filter(…), select(…))`. */
  pipe(...operators: readonly Operator[]): StreamFrame {
    return operators.reduce<StreamFrame>((frame, operator) => operator(frame), this);
  }

  /** Spark's `DataFrame.transform`: apply a function that builds on this frame. */
  transform(fn: Operator): StreamFrame {
    return fn(this);
  }

  /** Rows of this frame and the others (same column names and types, in order). */
  union(...others: readonly StreamFrame[]): StreamFrame {
    for (const other of others) {
      const a = this.schema.fields.map((f) => `${f.name}:${f.type}`).join(', ');
      const b = other.schema.fields.map((f) => `${f.name}:${f.type}`).join(', ');
      if (a !== b) throw new SluiceError('SCHEMA_MISMATCH', `union needs the same columns in the same order; got [${a}] and [${b}]. Use select() to align them first.`);
    }
    return new StreamFrame({ kind: 'union', inputs: [this.node, ...others.map((o) => o.node)], schema: this.schema });
  }

  /** Add a bound step (for operator authors; users compose operators with `pipe`). */
  withStep(step: PlanStep): StreamFrame {
    return new StreamFrame({ kind: 'step', step, input: this.node, schema: step.schema });
  }

  /**
   * Name this stream for `sql()` (Spark's `createOrReplaceTempView`): `sql('SELECT … FROM name')`
   * then builds on this frame's plan. Names are case-insensitive; the view holds the plan as it
   * is now, and replaces any view of the same name.
   *
   * @example
   * readStream().format('rate').load().createOrReplaceTempView('ticks');
   * const evens = sql('SELECT value FROM ticks WHERE value % 2 = 0');
   */
  createOrReplaceTempView(name: string): void {
    defineFrameView(name, this);
  }

  /** Spark's error: a stream has no rows to show until a query runs it; write it to a sink instead. */
  show(): never {
    throw new SluiceError(
      'INVALID_QUERY',
      "Queries with streaming sources must be executed with writeStream.start(): a stream has no rows to show yet. Write it to a memory sink (writeTo(memorySink(), { queryName: 'name' })) and show sql('SELECT * FROM name'), or use consoleSink().",
    );
  }

  /** Spark's fluent writer: `.writeStream().format('console').option(…).start()`. */
  writeStream(): DataStreamWriter {
    return new DataStreamWriter(this);
  }

  /** Start a query writing this frame into a typed sink: `frame.writeTo(consoleSink(), { trigger })`. */
  writeTo(sink: SinkProvider, options: WriteToOptions = {}): Promise<StreamingQuery> {
    let writer = this.writeStream().sink(sink);
    if (options.checkpointLocation !== undefined) writer = writer.option('checkpointLocation', options.checkpointLocation);
    if (options.trigger !== undefined) writer = writer.trigger(options.trigger);
    if (options.queryName !== undefined) writer = writer.queryName(options.queryName);
    if (options.outputMode !== undefined) writer = writer.outputMode(options.outputMode);
    if (options.manager !== undefined) writer = writer.manager(options.manager);
    if (options.stateStore !== undefined) writer = writer.option('stateStore', options.stateStore);
    return writer.start();
  }
}
