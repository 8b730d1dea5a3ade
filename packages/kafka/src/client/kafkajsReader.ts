import { Observable, Subject, type SchedulerLike } from 'rxjs';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { describeError, SluiceError, type Logger } from '@sluice/core';
import { assignAllPartitions } from './assigner.ts';
import type { KafkaClientSettings } from './clientSettings.ts';
import { DeferredWork } from './deferredWork.ts';
import { isConnectivityError, kafkaError } from './kafkajsErrors.ts';
import { PartitionBuffer } from './partitionBuffer.ts';
import type { KafkaHeader, KafkaRangeReader, KafkaReaderOptions, OffsetRangeRequest, RecordChunk, TopicPartition } from './types.ts';

interface PartitionState extends TopicPartition {
  readonly buffer: PartitionBuffer;
  /** Wanted by a read or a prefetch; inactive partitions stay paused. */
  active: boolean;
  pausedForBuffer: boolean;
  /** Fetcher nodes that have not started a fetch since our last seek (null: the seek has settled). */
  unsettledNodes: Set<number> | null;
}

/** A fetched batch of one partition, taken by `eachBatch` and copied into the buffer later. */
interface FetchedBatch {
  readonly consumer: Consumer;
  readonly state: PartitionState;
  readonly first: number | null;
  readonly last: number;
  /** Null for a batch of only control records or aborted messages. */
  readonly messages: readonly KafkaMessage[] | null;
  readonly mayOpenGap: boolean;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * Reads exact offset ranges through one long-lived kafkajs consumer. The consumer joins a group
 * private to the query run with an assigner that hands it every partition of its topics; it
 * then fetches ahead from the positions the reader seeks to, into one `PartitionBuffer` per
 * partition, pausing a partition whose buffer is full or that nobody wants. Nothing is ever
 * committed to the group. A group join costs seconds (the broker's initial rebalance delay),
 * so the consumer is created once and re-created only when a read needs a topic or partition
 * it was not given.
 */
export class KafkajsRangeReader implements KafkaRangeReader {
  private consumer: Consumer | undefined;
  private ready: Promise<void> | undefined;
  private subscribed = new Set<string>();
  private assigned = new Set<string>();
  private readonly knownNodes = new Set<number>();
  private readonly partitions = new Map<string, PartitionState>();
  private readonly waiters = new Set<() => void>();
  private readonly arrivals = new Subject<void>();
  /** Batches handed over by kafkajs, copied into the buffers off its fetch loop (see DeferredWork). */
  private readonly fetched = new DeferredWork<FetchedBatch>((batches) => this.applyBatches(batches));
  private activeReads = 0;
  /** The current consumer has joined and not crashed since. */
  private isReady = false;
  private generation = 0;
  private failure: SluiceError | undefined;
  private closed = false;
  private readonly maxBuffered: number;
  private readonly maxBufferedBytes: number;

  readonly arrivals$ = this.arrivals.asObservable();

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaClientSettings,
    private readonly options: KafkaReaderOptions & { readonly scheduler: SchedulerLike; readonly decodeHeaders: boolean; readonly log: Logger },
  ) {
    this.maxBuffered = options.maxBufferedRecordsPerPartition ?? 50_000;
    this.maxBufferedBytes = options.maxBufferedBytesPerPartition ?? 16 * 1024 * 1024;
  }

  prefetch(positions: readonly (TopicPartition & { readonly offset: number })[]): void {
    if (this.closed) return;
    if (positions.length === 0) return;
    for (const p of positions) this.position(p.topic, p.partition, p.offset);
    // Failures surface on the next read; a prefetch is only a hint.
    this.ensureConsumer(positions).catch(() => {});
  }

  fetchedUntil(topic: string, partition: number, from: number): number | undefined {
    if (this.closed || !this.isReady || !this.consumer) return undefined;
    this.fetched.flush();
    const k = key(topic, partition);
    const state = this.partitions.get(k);
    if (!state?.active || !this.assigned.has(k) || !state.buffer.covers(from)) return undefined;
    return state.buffer.position;
  }

  read(ranges: readonly OffsetRangeRequest[]): Observable<RecordChunk> {
    return new Observable<RecordChunk>((subscriber) => {
      let cancelled = false;
      this.activeReads++;
      this.readRanges(ranges.filter((r) => r.until > r.from), (chunk) => subscriber.next(chunk), () => cancelled)
        .then(() => subscriber.complete(), (error: unknown) => subscriber.error(error))
        .finally(() => this.activeReads--);
      return () => {
        cancelled = true;
        this.notify();
      };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fetched.clear();
    this.notify();
    this.arrivals.complete();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect().catch(() => {});
  }

  private async readRanges(ranges: readonly OffsetRangeRequest[], emit: (chunk: RecordChunk) => void, cancelled: () => boolean): Promise<void> {
    if (ranges.length === 0) return;
    for (const r of ranges) this.position(r.topic, r.partition, r.from);
    const remaining = new Set(ranges);
    const { scheduler, pollTimeoutMs } = this.options;
    let lastProgress = scheduler.now();
    let lastError: unknown;
    while (remaining.size > 0) {
      if (this.closed || cancelled()) return;
      if (this.failure) throw this.failure;
      if (!this.ready || !this.isReady) {
        // No consumer yet, or it was lost with the connection: (re)join, waiting out an outage.
        try {
          await this.ensureConsumer([...remaining]);
        } catch (error) {
          if (!isConnectivityError(error)) throw error;
          lastError = error;
        }
      }
      this.fetched.flush();
      for (const range of remaining) {
        const state = this.partitions.get(key(range.topic, range.partition))!;
        const { records, gaps } = state.buffer.take(range.until);
        if (records.length > 0 || gaps.length > 0) {
          lastProgress = scheduler.now();
          emit({ topic: range.topic, partition: range.partition, records, gaps });
        }
        if (state.buffer.position >= range.until) remaining.delete(range);
        this.resumeIfDrained(state);
      }
      if (remaining.size === 0) return;
      const waited = scheduler.now() - lastProgress;
      if (waited >= pollTimeoutMs) {
        const behind = [...remaining].map((r) => `${r.topic}-${r.partition} at ${this.partitions.get(key(r.topic, r.partition))!.buffer.position} of [${r.from}, ${r.until})`);
        throw new SluiceError(
          'KAFKA_UNREACHABLE',
          `No records arrived from Kafka (${this.settings.brokers.join(',')}) for ${pollTimeoutMs} ms while reading ${behind.join(', ')}` +
            `${lastError ? ` (last error: ${describeError(lastError)})` : ''}. The brokers may be down or the records gone; raise 'kafkaConsumer.pollTimeoutMs' to wait longer.`,
          { details: { brokers: [...this.settings.brokers], pollTimeoutMs } },
        );
      }
      await this.changed(Math.min(pollTimeoutMs - waited, this.isReady ? pollTimeoutMs : 500));
    }
  }

  /** Make the buffer of a partition continue at `offset`, seeking when it cannot. */
  private position(topic: string, partition: number, offset: number): void {
    // Batches fetched before this call belong to the buffer as it is now, before any reset.
    this.fetched.flush();
    const k = key(topic, partition);
    let state = this.partitions.get(k);
    if (!state) {
      state = { topic, partition, buffer: new PartitionBuffer(offset, this.options.decodeHeaders), active: false, pausedForBuffer: false, unsettledNodes: null };
      this.partitions.set(k, state);
    }
    const continues = state.active && state.buffer.covers(offset);
    if (continues) {
      state.buffer.skipTo(offset);
      return;
    }
    state.buffer.reset(offset);
    const wasActive = state.active;
    state.active = true;
    if (this.consumer && this.assigned.has(k)) {
      this.seek(this.consumer, state);
      if (!wasActive || state.pausedForBuffer) this.consumer.resume([{ topic, partitions: [partition] }]);
      state.pausedForBuffer = false;
    }
  }

  private seek(consumer: Consumer, state: PartitionState): void {
    consumer.seek({ topic: state.topic, partition: state.partition, offset: String(state.buffer.position) });
    state.unsettledNodes = this.knownNodes.size > 0 ? new Set(this.knownNodes) : null;
  }

  private resumeIfDrained(state: PartitionState): void {
    if (state.pausedForBuffer && !this.isFull(state, 0.5) && this.consumer) {
      state.pausedForBuffer = false;
      this.consumer.resume([{ topic: state.topic, partitions: [state.partition] }]);
    }
  }

  /** Whether a partition holds `share` of its buffer limits (records or bytes) or more. */
  private isFull(state: PartitionState, share: number): boolean {
    return state.buffer.bufferedRecords >= this.maxBuffered * share || state.buffer.bufferedBytes >= this.maxBufferedBytes * share;
  }

  private async ensureConsumer(wanted: readonly TopicPartition[]): Promise<void> {
    const topics = new Set(wanted.map((w) => w.topic));
    if (!this.ready || ![...topics].every((t) => this.subscribed.has(t))) this.restartConsumer(topics);
    await this.ready;
    if (wanted.every((w) => this.assigned.has(key(w.topic, w.partition)))) return;
    // A partition added after the join: only a new join hands it to us.
    this.restartConsumer(topics);
    await this.ready;
    const missing = wanted.filter((w) => !this.assigned.has(key(w.topic, w.partition)));
    if (missing.length > 0) {
      throw new SluiceError('KAFKA_ERROR', `Kafka did not assign ${missing.map((m) => `${m.topic}-${m.partition}`).join(', ')} to the reader: the partitions may not exist.`);
    }
  }

  /** Queue a consumer (re)start for the topics subscribed so far plus `topics`; starts never overlap. */
  private restartConsumer(topics: ReadonlySet<string>): void {
    // Decided synchronously, so concurrent callers see the new subscription and wait for the same start.
    this.subscribed = new Set([...this.subscribed, ...topics]);
    const subscription = this.subscribed;
    const previous = this.ready ?? Promise.resolve();
    const started = previous.catch(() => {}).then(() => this.startConsumer(subscription));
    this.ready = started;
    started.catch(() => {
      if (this.ready === started) this.ready = undefined;
    });
  }

  private async startConsumer(topics: Set<string>): Promise<void> {
    const previous = this.consumer;
    this.consumer = undefined;
    this.isReady = false;
    this.assigned = new Set();
    await previous?.disconnect().catch(() => {});
    if (this.closed) throw new SluiceError('KAFKA_ERROR', 'The Kafka reader is closed.');
    this.failure = undefined;
    const { consumer: c, brokers } = this.settings;
    // Each consumer generation joins its own group: a member of the previous one that has not
    // left yet (kafkajs leaves asynchronously) would otherwise hold the new join in a rebalance.
    this.generation++;
    const groupId = this.options.fixedGroupId ? this.options.groupId : `${this.options.groupId}-${this.generation}`;
    const consumer = this.kafka.consumer({
      groupId,
      partitionAssigners: [assignAllPartitions],
      sessionTimeout: c.sessionTimeoutMs,
      heartbeatInterval: c.heartbeatIntervalMs,
      maxBytesPerPartition: c.maxBytesPerPartition,
      maxBytes: c.maxBytes,
      minBytes: c.minBytes,
      maxWaitTimeInMs: c.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1_000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (consumer === this.consumer) this.onAssigned(consumer, payload.memberAssignment);
    });
    consumer.on(consumer.events.FETCH_START, ({ payload }) => this.onFetchStart(payload.nodeId));
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // Batches of only control records or aborted messages never reach eachBatch: advance past them here.
      if (consumer !== this.consumer || payload.batchSize !== 0) return;
      const state = this.partitions.get(key(payload.topic, payload.partition));
      if (!state?.active) return;
      const first = payload.firstOffset == null ? null : Number(payload.firstOffset);
      this.fetched.push({ consumer, state, first, last: Number(payload.lastOffset), messages: null, mayOpenGap: state.unsettledNodes === null });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (consumer !== this.consumer) return;
      this.isReady = false;
      // A lost connection is waited out by starting a new consumer (in a fresh group: the crashed
      // member would hold a rejoin of the old one until its session timed out); anything else fails reads.
      if (isConnectivityError(payload.error)) {
        this.ready = undefined;
        this.options.log.warn(`Kafka is unreachable from the consumer (${describeError(payload.error)}); it rejoins once the brokers answer.`);
      } else this.failure = kafkaError(payload.error, 'reading records', brokers);
      this.notify();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: 1,
        eachBatch: async (payload) => this.onBatch(consumer, payload),
      });
      if (consumer === this.consumer) this.isReady = true;
    } catch (error) {
      throw kafkaError(error, `joining consumer group '${groupId}'`, brokers);
    }
  }

  private onAssigned(consumer: Consumer, assignment: Record<string, number[]>): void {
    this.assigned = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => key(topic, p))));
    for (const [topic, partitions] of Object.entries(assignment)) {
      const idle: number[] = [];
      for (const partition of partitions) {
        const state = this.partitions.get(key(topic, partition));
        if (state?.active) {
          this.seek(consumer, state);
          state.pausedForBuffer = false;
        } else idle.push(partition);
      }
      if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
    }
  }

  private onFetchStart(nodeId: number): void {
    this.knownNodes.add(nodeId);
    for (const state of this.partitions.values()) {
      if (!state.unsettledNodes) continue;
      state.unsettledNodes.delete(nodeId);
      if (state.unsettledNodes.size === 0) state.unsettledNodes = null;
    }
  }

  private onBatch(consumer: Consumer, { batch, isStale }: EachBatchPayload): void {
    if (consumer !== this.consumer) return;
    const state = this.partitions.get(key(batch.topic, batch.partition));
    // A batch fetched before our last seek is stale; kafkajs re-fetches from the seek offset.
    if (!state?.active || isStale()) return;
    const first = batch.firstOffset();
    this.fetched.push({ consumer, state, first: first == null ? null : Number(first), last: Number(batch.lastOffset()), messages: batch.messages, mayOpenGap: true });
  }

  /** Copy fetched batches into their buffers, in fetch order; then one wake for all of them. */
  private applyBatches(batches: readonly FetchedBatch[]): void {
    let arrived = false;
    for (const fetched of batches) {
      if (fetched.consumer !== this.consumer) continue;
      const { state, messages } = fetched;
      if (!state.buffer.beginBatch(fetched.first, fetched.last, fetched.mayOpenGap)) continue;
      if (messages) {
        this.appendMessages(state, messages);
        arrived ||= messages.length > 0;
      }
      state.buffer.endBatch();
      if (!state.pausedForBuffer && this.isFull(state, 1) && this.consumer) {
        state.pausedForBuffer = true;
        this.consumer.pause([{ topic: state.topic, partitions: [state.partition] }]);
      }
    }
    this.notify();
    if (this.activeReads === 0 && arrived) this.arrivals.next();
  }

  private appendMessages(state: PartitionState, messages: readonly KafkaMessage[]): void {
    const n = messages.length;
    if (n === 0) return;
    const buffer = state.buffer;
    const decodeHeaders = this.options.decodeHeaders;
    // Offsets only increase within a response, so n of them spanning exactly n values are
    // consecutive: then they need not be parsed one by one (kafkajs gives them as strings).
    const first = +messages[0]!.offset;
    const consecutive = +messages[n - 1]!.offset - first === n - 1;
    // Records of one Kafka record batch share its context; look the timestamp type up once per batch.
    let context: unknown;
    let timestampType = 0;
    // Records sent together usually share a timestamp: parse a repeated one once.
    let timestampText = '';
    let timestamp = 0;
    for (let i = 0; i < n; i++) {
      const message = messages[i]!;
      const messageContext = (message as { batchContext?: { timestampType?: number } }).batchContext;
      if (messageContext !== context) {
        context = messageContext;
        timestampType = messageContext?.timestampType ?? 0;
      }
      if (message.timestamp !== timestampText) {
        timestampText = message.timestamp;
        timestamp = +timestampText;
      }
      buffer.append(
        consecutive ? first + i : +message.offset,
        message.key ?? null,
        message.value ?? null,
        timestamp,
        timestampType,
        decodeHeaders ? toHeaders(message.headers) : null,
      );
    }
  }


  private notify(): void {
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }

  /** Resolves at the next buffer change, or after `timeoutMs`. */
  private changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.scheduler.schedule(() => {
        this.waiters.delete(done);
        resolve();
      }, Math.max(1, timeoutMs));
      const done = () => {
        timer.unsubscribe();
        resolve();
      };
      this.waiters.add(done);
    });
  }
}

function toHeaders(headers: KafkaMessage['headers']): KafkaHeader[] {
  const out: KafkaHeader[] = [];
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    // kafkajs folds repeated header keys into an array; unfold them in order.
    for (const v of Array.isArray(value) ? value : [value]) {
      out.push({ key: name, value: v == null ? null : typeof v === 'string' ? Buffer.from(v) : v });
    }
  }
  return out;
}
