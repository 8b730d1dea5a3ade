import { Observable, Subject, type SchedulerLike } from 'rxjs';
import type { Kafka } from 'kafkajs';
import { describeError } from '@sluice/core/connector';
import { SluiceError, type Logger } from '@sluice/core';
import type { KafkaClientSettings } from './clientSettings.ts';
import { abandon, fetchFrom, protocolError, clusterOf, type KafkajsCluster } from './fetch/kafkajsCluster.ts';
import type { FetchedPartition, FetchResponse } from './fetch/fetchResponse.ts';
import { decodeRecordSet, inflateBatches, MalformedTimestampError, scanRecordSet, type RecordSetSpan } from './fetch/recordSet.ts';
import { isConnectivityError, kafkaError } from './kafkajsErrors.ts';
import { PartitionBuffer } from './partitionBuffer.ts';
import { RecordColumns } from './recordColumns.ts';
import type { KafkaAdmin, KafkaRangeReader, KafkaReaderOptions, OffsetRangeRequest, RecordChunk, TopicPartition } from './types.ts';

interface PartitionState extends TopicPartition {
  readonly buffer: PartitionBuffer;
  /** Wanted by a read or a prefetch; others are not fetched. */
  active: boolean;
  /** Node id of the partition's leader; null until looked up (again, after it moved or its broker failed). */
  leader: number | null;
  /** Not fetched before this time (a partition error is being waited out). */
  retryAt: number;
  /** The broker has answered a fetch from the current position: the buffer says what it holds. */
  answered: boolean;
  /** Fetches of this partition refused in a row (only the first is logged). */
  refusals: number;
}

/** A Fetch request on the wire: the offset asked for each partition, and the answer to come. */
interface InFlightFetch {
  readonly offsets: Map<PartitionState, number>;
  readonly response: Promise<FetchResponse>;
}

const OFFSET_OUT_OF_RANGE = 1;
const END_OF_LOG = Number.MAX_SAFE_INTEGER;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * Reads exact offset ranges by sending Kafka Fetch requests itself, one loop per leader broker,
 * over connections of a kafkajs cluster (so TLS, SASL and metadata are kafkajs's), and decodes
 * the record batches straight into one `PartitionBuffer` per partition. No consumer group is
 * joined and nothing is committed: the positions are the reader's own, so a read starts
 * fetching at once and a replay reads exactly the offsets asked for. A partition is fetched
 * ahead of reads from where it was last positioned until its buffer is full.
 */
export class FetchingRangeReader implements KafkaRangeReader {
  private readonly cluster: KafkajsCluster;
  private connecting: Promise<void> | undefined;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly loops = new Set<number>();
  /** Fetches from a node that failed in a row (they back off, and only the first is logged). */
  private readonly failures = new Map<number, number>();
  private locating = false;
  /** A fetch failed or was refused: leaders may have moved, so the next look-up refreshes metadata. */
  private metadataStale = false;
  private readonly waiters = new Set<() => void>();
  /** Back-off pauses, cut short by `close`. */
  private readonly sleepers = new Set<() => void>();
  private readonly arrivals = new Subject<void>();
  /** Leader look-ups and fetch loops under way. */
  private readonly running = new Set<Promise<unknown>>();
  private activeReads = 0;
  private failure: SluiceError | undefined;
  /** The last failure to reach a broker, for the message of a read that times out; cleared by a fetch that succeeds. */
  private lastError: unknown;
  private closed = false;
  private readonly maxBuffered: number;
  private readonly maxBufferedBytes: number;

  readonly arrivals$ = this.arrivals.asObservable();

  constructor(
    kafka: Kafka,
    private readonly admin: KafkaAdmin,
    private readonly settings: KafkaClientSettings,
    private readonly options: KafkaReaderOptions & { readonly scheduler: SchedulerLike; readonly decodeHeaders: boolean; readonly log: Logger },
  ) {
    this.cluster = clusterOf(kafka);
    this.maxBuffered = options.maxBufferedRecordsPerPartition ?? 50_000;
    this.maxBufferedBytes = options.maxBufferedBytesPerPartition ?? 16 * 1024 * 1024;
  }

  prefetch(positions: readonly (TopicPartition & { readonly offset: number })[]): void {
    if (this.closed) return;
    for (const p of positions) this.position(p.topic, p.partition, p.offset);
  }

  fetchedUntil(topic: string, partition: number, from: number): number | undefined {
    const state = this.partitions.get(key(topic, partition));
    // Not while its leader is being looked up again (after a failed fetch): what is in hand may be all the reader gets for a while.
    if (this.closed || !state?.active || !state.answered || state.leader === null || !state.buffer.covers(from)) return undefined;
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

  /**
   * Stops at once: a fetch on the wire is abandoned (its connection closed, not waited out),
   * back-off pauses end, and nothing reconnects afterwards — a connect that was under way when
   * the reader closed is closed again when it lands.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notify();
    for (const wake of [...this.sleepers]) wake();
    this.arrivals.complete();
    await abandon(this.cluster);
    await this.connecting?.catch(() => {});
    await Promise.all([...this.running]);
    await abandon(this.cluster);
  }

  /** The error that stopped the reader, thrown; nothing when it is fetching normally. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  private async readRanges(ranges: readonly OffsetRangeRequest[], emit: (chunk: RecordChunk) => void, cancelled: () => boolean): Promise<void> {
    if (ranges.length === 0) return;
    for (const r of ranges) this.position(r.topic, r.partition, r.from);
    const remaining = new Set(ranges);
    const { scheduler, pollTimeoutMs } = this.options;
    let lastProgress = scheduler.now();
    while (remaining.size > 0) {
      if (cancelled()) return;
      if (this.failure) throw this.failure;
      // Never a silent short read: a range not read to its end is an error.
      if (this.closed) throw new SluiceError('KAFKA_ERROR', 'The Kafka reader was closed while a read was under way (the query is stopping).');
      let drained = false;
      for (const range of remaining) {
        const state = this.partitions.get(key(range.topic, range.partition))!;
        const { chunks, gaps } = state.buffer.take(range.until);
        if (chunks.length > 0 || gaps.length > 0) {
          lastProgress = scheduler.now();
          drained = true;
          if (chunks.length === 0) emit({ topic: range.topic, partition: range.partition, records: new RecordColumns(), gaps });
          chunks.forEach((records, i) => emit({ topic: range.topic, partition: range.partition, records, gaps: i === 0 ? gaps : [] }));
        }
        if (state.buffer.position >= range.until) remaining.delete(range);
      }
      // Room in the buffers again: a loop waiting on full buffers fetches on.
      if (drained) this.notify();
      if (remaining.size === 0) return;
      const waited = scheduler.now() - lastProgress;
      if (waited >= pollTimeoutMs) {
        const behind = [...remaining].map((r) => `${r.topic}-${r.partition} at ${this.partitions.get(key(r.topic, r.partition))!.buffer.position} of [${r.from}, ${r.until})`);
        throw new SluiceError(
          'KAFKA_UNREACHABLE',
          `No records arrived from Kafka (${this.settings.brokers.join(',')}) for ${pollTimeoutMs} ms while reading ${behind.join(', ')}` +
            `${this.lastError ? ` (last error: ${describeError(this.lastError)})` : ''}. The brokers may be down or the records gone; raise 'kafkaConsumer.pollTimeoutMs' to wait longer.`,
          { details: { brokers: [...this.settings.brokers], pollTimeoutMs } },
        );
      }
      await this.changed(pollTimeoutMs - waited);
    }
  }

  /** Make the buffer of a partition continue at `offset`, starting over there when it cannot. */
  private position(topic: string, partition: number, offset: number): void {
    const k = key(topic, partition);
    let state = this.partitions.get(k);
    if (!state) {
      state = { topic, partition, buffer: new PartitionBuffer(offset, this.options.decodeHeaders), active: false, leader: null, retryAt: 0, answered: false, refusals: 0 };
      this.partitions.set(k, state);
    }
    if (state.active && state.buffer.covers(offset)) state.buffer.skipTo(offset);
    else {
      state.buffer.reset(offset);
      state.answered = false;
    }
    state.active = true;
    this.schedule();
    this.notify();
  }

  /** Look up leaders that are unknown, and run a fetch loop for every leader with partitions to fetch. */
  private schedule(): void {
    // After a failure nothing is fetched again: the reader is done, and a loop restarted at
    // once would spin the event loop (a fetch loop ends as soon as it sees the failure).
    if (this.closed || this.failure) return;
    let unlocated = false;
    for (const state of this.partitions.values()) {
      if (!state.active) continue;
      if (state.leader === null) unlocated = true;
      else if (!this.loops.has(state.leader)) this.startLoop(state.leader);
    }
    if (unlocated && !this.locating) {
      this.locating = true;
      this.track(this.locateLeaders()).finally(() => {
        this.locating = false;
        this.schedule();
      });
    }
  }

  private async locateLeaders(): Promise<void> {
    for (let attempt = 0; !this.closed && !this.failure; attempt++) {
      const unlocated = [...this.partitions.values()].filter((s) => s.active && s.leader === null);
      if (unlocated.length === 0) return;
      try {
        await this.connect();
        if (this.closed) return;
        await this.cluster.addMultipleTargetTopics([...new Set(unlocated.map((s) => s.topic))]);
        // Known topics are not looked up again by addMultipleTargetTopics: a moved leader, a
        // broker back from an outage or a partition added since need fresh metadata.
        if (this.metadataStale || attempt > 0 || unlocated.some((s) => !this.partitionMetadata(s))) {
          await this.cluster.refreshMetadata();
          this.metadataStale = false;
        }
        for (const state of unlocated) {
          const leader = this.partitionMetadata(state)?.leader;
          if (leader !== null && leader !== undefined && leader >= 0) state.leader = leader;
        }
        const missing = unlocated.filter((s) => s.leader === null).map((s) => `${s.topic}-${s.partition}`);
        // Said by a read that times out waiting for them.
        if (missing.length > 0) this.lastError = new Error(`the cluster's metadata has no leader for ${missing.join(', ')} (the topic or partition may not exist)`);
      } catch (error) {
        if (!isConnectivityError(error) && !isRetriable(error)) return this.fail(kafkaError(error, 'looking up partition leaders', this.settings.brokers));
        this.lastError = error;
      }
      if (unlocated.every((s) => s.leader !== null)) return;
      await this.sleep(backoff(attempt));
    }
  }

  private partitionMetadata(state: PartitionState): { leader: number | null } | undefined {
    return this.cluster.findTopicPartitionMetadata(state.topic).find((p) => p.partitionId === state.partition);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.cluster.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private startLoop(nodeId: number): void {
    this.loops.add(nodeId);
    this.track(this.fetchLoop(nodeId))
      .catch((error: unknown) => this.fail(kafkaError(error, 'reading records', this.settings.brokers)))
      .finally(() => {
        this.loops.delete(nodeId);
        this.schedule();
      });
  }

  /**
   * Fetch the partitions led by `nodeId` while any is wanted; ends when none is (they moved, or
   * their broker failed). Two fetches are on the wire while records flow, as librdkafka's broker
   * thread fetches while its application thread consumes: once a response's record sets are
   * scanned (headers only), the next offsets are known and the next fetch is sent before these
   * records are decoded, so the broker builds its answer while this one is decoded.
   */
  private async fetchLoop(nodeId: number): Promise<void> {
    let next: InFlightFetch | null = null;
    try {
      while (!this.closed && !this.failure) {
        let current: InFlightFetch | null = next;
        next = null;
        if (!current) {
          const led = [...this.partitions.values()].filter((s) => s.active && s.leader === nodeId);
          if (led.length === 0) return;
          const now = this.options.scheduler.now();
          const wanted = led.filter((s) => s.retryAt <= now && !this.isFull(s));
          if (wanted.length === 0) {
            await this.changed(Math.max(1, Math.min(...led.map((s) => (s.retryAt > now ? s.retryAt - now : 1_000)))));
            continue;
          }
          current = this.sendFetch(nodeId, new Map(wanted.map((s) => [s, s.buffer.position])));
        }
        const fetchOffsets = current.offsets;
        const wanted = [...fetchOffsets.keys()];
        let response: FetchResponse;
        try {
          response = await current.response;
        } catch (error) {
          if (this.closed) return;
          if (!isConnectivityError(error) && !isRetriable(error)) throw error;
          this.lastError = error;
          const failures = (this.failures.get(nodeId) ?? 0) + 1;
          this.failures.set(nodeId, failures);
          if (failures === 1) {
            const what = isConnectivityError(error) ? 'is unreachable' : 'refused a fetch';
            this.options.log.warn(`Kafka broker ${nodeId} ${what} (${describeError(error)}); the reader looks up its partitions' leaders again and fetches on when one answers.`);
          }
          // The broker may be down or no longer lead them: look the leaders up again after a pause.
          await this.sleep(backoff(failures - 1));
          for (const state of this.partitions.values()) if (state.leader === nodeId) state.leader = null;
          this.metadataStale = true;
          return;
        }
        if (this.closed) return;
        if (this.failures.delete(nodeId)) this.options.log.info(`Kafka broker ${nodeId} answers again; fetching resumed.`);
        this.lastError = undefined;
        if (response.errorCode !== 0) {
          // A top-level error (fetch sessions, which the reader does not use; the mock broker's injected errors) concerns every partition asked for.
          for (const state of wanted) await this.onPartitionError(state, fetchOffsets.get(state)!, response.errorCode);
          continue;
        }
        const byKey = new Map(wanted.map((s) => [key(s.topic, s.partition), s]));
        const received: { state: PartitionState; fetched: FetchedPartition; span: RecordSetSpan | null }[] = [];
        for (const fetched of response.partitions) {
          const state = byKey.get(key(fetched.topic, fetched.partition));
          if (!state) continue;
          received.push({ state, fetched, span: fetched.errorCode === 0 ? scanRecordSet(fetched.records, fetchOffsets.get(state)!) : null });
        }
        next = this.fetchAhead(nodeId, fetchOffsets, received);
        let arrived = false;
        for (const { state, fetched, span } of received) arrived = (await this.apply(state, fetchOffsets.get(state)!, fetched, span)) || arrived;
        this.notify();
        if (this.activeReads === 0 && arrived) this.arrivals.next();
      }
    } finally {
      // A fetch sent ahead and not used (the reader closed or failed): its answer is dropped.
      next?.response.catch(() => {});
    }
  }

  private sendFetch(nodeId: number, offsets: Map<PartitionState, number>): InFlightFetch {
    const { consumer } = this.settings;
    const response = this.cluster.findBroker({ nodeId }).then((broker) =>
      fetchFrom(broker, {
        maxWaitTime: consumer.maxWaitTimeMs,
        minBytes: consumer.minBytes,
        maxBytes: consumer.maxBytes,
        isolationLevel: consumer.isolationLevel,
        topics: byTopic([...offsets.keys()]).map(([topic, states]) => ({
          topic,
          partitions: states.map((s) => ({ partition: s.partition, fetchOffset: String(offsets.get(s)), maxBytes: consumer.maxBytesPerPartition })),
        })),
      }),
    );
    return { offsets, response };
  }

  /**
   * The next fetch, sent before the records of `received` are decoded — only while records
   * flow (some partition answered with records), so a caught-up reader keeps one fetch waiting
   * on the broker. Each partition continues after its last scanned batch; partitions that
   * answered with an error, are being waited out, or would fill their buffer are left to the
   * fetch after.
   */
  private fetchAhead(
    nodeId: number, asked: ReadonlyMap<PartitionState, number>, received: readonly { state: PartitionState; fetched: FetchedPartition; span: RecordSetSpan | null }[],
  ): InFlightFetch | null {
    if (this.closed || this.failure || !received.some((r) => r.span !== null)) return null;
    const answers = new Map(received.map((r) => [r.state, r]));
    const now = this.options.scheduler.now();
    const offsets = new Map<PartitionState, number>();
    for (const state of this.partitions.values()) {
      if (!state.active || state.leader !== nodeId || state.retryAt > now) continue;
      const answer = answers.get(state);
      if (answer && answer.fetched.errorCode !== 0) continue;
      const fetchOffset = asked.get(state);
      // Repositioned by a read since it was asked for (or not asked for): fetch from where its buffer is.
      const current = fetchOffset === undefined || state.buffer.position !== fetchOffset;
      const span = current ? null : (answer?.span ?? null);
      const incoming = span ? span.last + 1 - fetchOffset! : 0;
      const incomingBytes = span ? answer!.fetched.records.length : 0;
      if (state.buffer.bufferedRecords + incoming >= this.maxBuffered || state.buffer.bufferedBytes + incomingBytes >= this.maxBufferedBytes) continue;
      offsets.set(state, span ? span.last + 1 : state.buffer.position);
    }
    return offsets.size === 0 ? null : this.sendFetch(nodeId, offsets);
  }

  /** Append a fetched partition to its buffer; returns whether records arrived. */
  private async apply(state: PartitionState, fetchOffset: number, fetched: FetchedPartition, span: RecordSetSpan | null): Promise<boolean> {
    if (fetched.errorCode !== 0) {
      await this.onPartitionError(state, fetchOffset, fetched.errorCode);
      return false;
    }
    state.refusals = 0;
    if (state.buffer.position === fetchOffset) state.answered = true;
    if (!span) return false;
    const inflated = span.compressed ? await inflateBatches(fetched.records, fetchOffset) : null;
    let bytes = fetched.records.length;
    if (inflated) for (const records of inflated.values()) bytes += records.length;
    // Repositioned meanwhile (a read moved it): these records belong to a position it left.
    if (state.buffer.position !== fetchOffset || !state.buffer.beginBatch(span.first, span.last, { records: span.records, bytes })) return false;
    const before = state.buffer.bufferedRecords;
    try {
      decodeRecordSet(fetched.records, fetchOffset, state.buffer, fetched.abortedTransactions, this.options.decodeHeaders, inflated);
    } catch (error) {
      if (!(error instanceof MalformedTimestampError)) throw error;
      throw new SluiceError(
        'KAFKA_MALFORMED_RECORD_TIMESTAMP',
        `Kafka record at offset ${error.offset} of ${state.topic}-${state.partition} has timestamp ${error.timestamp}, which is not milliseconds since the epoch ` +
          "(too large to convert to microseconds; nanoseconds, perhaps). Fix the producer's timestamps, or start the query after these records.",
        { details: { topic: state.topic, partition: state.partition, offset: error.offset, timestamp: String(error.timestamp) } },
      );
    }
    state.buffer.endBatch();
    return state.buffer.bufferedRecords > before;
  }

  private async onPartitionError(state: PartitionState, fetchOffset: number, code: number): Promise<void> {
    const error = protocolError(code);
    if (code === OFFSET_OUT_OF_RANGE) {
      // The offsets are gone (retention) or not there (log truncated, topic recreated): record a
      // gap to where the log is, which the source checks and reports per failOnDataLoss.
      const range = (await this.admin.offsetRanges([state.topic]).catch(() => [])).find((r) => r.partition === state.partition);
      if (state.buffer.position !== fetchOffset) return;
      const until = !range ? fetchOffset : fetchOffset < range.earliest ? range.earliest : fetchOffset > range.latest ? END_OF_LOG : fetchOffset;
      if (until > fetchOffset) state.buffer.skipGap(until);
      // The offset exists after all (a race with retention or a leader change), or the look-up failed: fetch again shortly.
      else state.retryAt = this.options.scheduler.now() + 200;
      return;
    }
    if (!error.retriable) return this.fail(kafkaError(error, `reading ${state.topic}-${state.partition}`, this.settings.brokers));
    this.lastError = error;
    if (state.refusals++ === 0) {
      this.options.log.warn(`Kafka refused a fetch of ${state.topic}-${state.partition} (${describeError(error)}); the reader looks up its leader again and retries.`);
    }
    state.leader = null;
    state.retryAt = this.options.scheduler.now() + 200;
    this.metadataStale = true;
    this.schedule();
  }

  /** Whether a partition holds its buffer limits (records or bytes) or more. */
  private isFull(state: PartitionState): boolean {
    return state.buffer.bufferedRecords >= this.maxBuffered || state.buffer.bufferedBytes >= this.maxBufferedBytes;
  }

  private fail(error: SluiceError): void {
    if (this.closed || this.failure) return;
    this.failure = error;
    this.notify();
    // A query waiting for records learns of the failure at its next trigger, now.
    this.arrivals.next();
  }

  /** Work that may touch the cluster: `close` waits for it before its last disconnect. */
  private track<T>(work: Promise<T>): Promise<T> {
    const settled: Promise<unknown> = work.catch(() => {});
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
    return work;
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }

  /** Resolves at the next change (records, positions, room in a buffer), or after `timeoutMs`. */
  private changed(timeoutMs: number): Promise<void> {
    return this.waitFor(this.waiters, Math.max(1, timeoutMs));
  }

  /** A back-off pause: only `close` cuts it short. */
  private sleep(ms: number): Promise<void> {
    return this.waitFor(this.sleepers, ms);
  }

  /** Resolves after `ms`, or earlier when a member of `wakers` is called (each is called once, then dropped). */
  private waitFor(wakers: Set<() => void>, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.scheduler.schedule(() => done(), ms);
      const done = () => {
        timer.unsubscribe();
        wakers.delete(done);
        resolve();
      };
      wakers.add(done);
    });
  }
}

const backoff = (attempt: number): number => Math.min(1_000, 100 * 2 ** attempt);

const isRetriable = (error: unknown): boolean => (error as { retriable?: boolean }).retriable === true;

function byTopic(states: readonly PartitionState[]): [string, PartitionState[]][] {
  const topics = new Map<string, PartitionState[]>();
  for (const s of states) topics.set(s.topic, [...(topics.get(s.topic) ?? []), s]);
  return [...topics];
}
