import { firstValueFrom, timer, type SchedulerLike } from 'rxjs';
import { describeError } from '@sluice/core/connector';
import { SluiceError } from '@sluice/core';
import { COMPRESSION_IDS, kafkaCodec } from '../../codecs/codec.ts';
import type { KafkaClientSettings } from '../clientSettings.ts';
import { abandon, protocolError, type KafkajsBroker, type KafkajsCluster } from '../fetch/kafkajsCluster.ts';
import { isConnectivityError, kafkaError } from '../kafkajsErrors.ts';
import type { KafkaProducerClient, OutgoingColumns, OutgoingRecord } from '../types.ts';
import { encodeColumnRecords, lengthAt } from './columnRecords.ts';
import { murmur2Range, partitionForKey } from './murmur2.ts';
import { produceTo, type PartitionBatch, type ProducedPartition } from './produceRequest.ts';
import { encodeRecordBatch, encodeRecords, NO_PRODUCER, recordSize, type ProducerIdentity } from './recordBatchEncoder.ts';

interface TopicLayout {
  readonly partitions: ReadonlySet<number>;
  readonly ids: readonly number[];
  readonly leaders: ReadonlyMap<number, number>;
}

/** One partition's records of a send, in order, cut into batches of at most `batch.size` bytes. */
interface PartitionWork {
  readonly topic: string;
  readonly partition: number;
  /** How many batches. */
  readonly size: number;
  /** Batch `i`, encoded (and compressed) when first asked for, so encoding overlaps sending; the same bytes after that (a retry resends them). */
  batch(i: number): Promise<Uint8Array>;
}

/** Produce requests a producer keeps in flight to one broker, each for different partitions (Java's `max.in.flight.requests.per.connection` default). */
const MAX_IN_FLIGHT = 5;

/** One partition's rows of a columnar send: global row numbers in order, cut into batches before `cuts`. */
interface ColumnGroup {
  readonly topic: string;
  readonly partition: number;
  rows: Int32Array;
  length: number;
  readonly cuts: number[];
  bytes: number;
}

interface InitProducerIdBroker {
  initProducerId(args: { transactionalId: null; transactionTimeout: number }): Promise<{ producerId: string; producerEpoch: number }>;
}

const DUPLICATE_SEQUENCE_NUMBER = 46;
const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Writes records with Kafka Produce requests it builds itself — record batches encoded by
 * Sluice (headers byte-exact: order, repeated keys, null values), compressed with Sluice's
 * codecs (`compression.type`), cut at `batch.size`, partitioned as Java's producer does
 * (murmur2 of the key; keyless records stick to one partition per batch) — sent over kafkajs's
 * authenticated connections to each partition's leader. A record naming a partition the topic
 * does not have fails the whole send before anything is written (`KAFKA_UNKNOWN_PARTITION`);
 * kafkajs's producer skipped such records silently. With `enable.idempotence` each partition's
 * batches carry the producer id and sequence numbers, so a batch retried after a lost answer is
 * stored once. `send` resolves when the brokers acknowledged every record (per `acks`).
 */
export class RecordProducer implements KafkaProducerClient {
  private readonly layouts = new Map<string, TopicLayout>();
  private readonly sequences = new Map<string, number>();
  private readonly sticky = new Map<string, { partition: number; bytes: number }>();
  private identity: { producerId: bigint; producerEpoch: number } | null = null;
  private connecting: Promise<void> | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly cluster: KafkajsCluster,
    private readonly settings: KafkaClientSettings,
    private readonly scheduler: SchedulerLike,
  ) {}

  async send(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<void> {
    if (records.length === 0) return;
    await this.run(records.length, signal, async () => {
      await this.connect();
      await this.learnTopics([...new Set(records.map((r) => r.topic))]);
      // A partition missing from what was learnt earlier may have been added since: look once more before refusing.
      const stale = this.unknownPartitions(records);
      if (stale.length > 0) await this.learnTopics([...new Set(stale.map((r) => r.topic))], true);
      const unknown = this.unknownPartitions(records)[0];
      if (unknown) throw this.unknownPartition(unknown.topic, unknown.partition!);
      const producer = this.settings.producer.idempotence ? await this.producerIdentity() : null;
      await this.dispatch(await this.encode(records, producer), signal);
    });
  }

  /** `send` for records given as columns: partitioned, cut into batches and encoded from the Arrow buffers, with no object per record. */
  async sendColumns(chunks: readonly OutgoingColumns[], signal?: AbortSignal): Promise<void> {
    const count = chunks.reduce((n, c) => n + c.length, 0);
    if (count === 0) return;
    await this.run(count, signal, async () => {
      await this.connect();
      const topics = [...new Set(chunks.map((c) => c.topic))];
      await this.learnTopics(topics);
      if (this.unknownColumnPartition(chunks)) await this.learnTopics(topics, true);
      const unknown = this.unknownColumnPartition(chunks);
      if (unknown) throw this.unknownPartition(unknown.topic, unknown.partition);
      const producer = this.settings.producer.idempotence ? await this.producerIdentity() : null;
      await this.dispatch(await this.encodeColumns(chunks, count, producer), signal);
    });
  }

  private async run(count: number, signal: AbortSignal | undefined, write: () => Promise<void>): Promise<void> {
    if (this.closed) throw new SluiceError('KAFKA_ERROR', 'The Kafka producer is closed.');
    if (signal?.aborted) throw new SluiceError('KAFKA_ERROR', 'The Kafka send was aborted: the query is stopping.');
    const work = write();
    const settled = work.catch(() => {});
    this.running.add(settled);
    try {
      await work;
    } catch (error) {
      // Sequence numbers reserved for batches that were not stored would be out of order: start over with a new producer epoch.
      this.identity = null;
      this.sequences.clear();
      throw kafkaError(error, `writing ${count} records`, this.settings.brokers);
    } finally {
      this.running.delete(settled);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await abandon(this.cluster);
    await Promise.all([...this.running]);
    await abandon(this.cluster);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.cluster.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** Partitions and leaders of topics not seen yet (asking for them creates them where the broker allows, as Java's producer does). */
  private async learnTopics(topics: readonly string[], refresh = false): Promise<void> {
    const wanted = refresh ? [...topics] : topics.filter((t) => !this.layouts.has(t));
    for (let attempt = 0; wanted.length > 0; attempt++) {
      let answer: { topicMetadata: { topic: string; partitionMetadata: { partitionId: number; leader: number }[] }[] } | undefined;
      try {
        answer = (await this.cluster.metadata({ topics: wanted })) as typeof answer;
      } catch (error) {
        // A topic being created answers LEADER_NOT_AVAILABLE for a moment.
        if (attempt >= 4 || (error as { retriable?: boolean }).retriable !== true) throw error;
      }
      for (const t of answer?.topicMetadata ?? []) {
        if (t.partitionMetadata.length === 0) continue;
        const ids = t.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
        this.layouts.set(t.topic, { partitions: new Set(ids), ids, leaders: new Map(t.partitionMetadata.map((p) => [p.partitionId, p.leader])) });
        wanted.splice(wanted.indexOf(t.topic), 1);
      }
      if (wanted.length === 0) return;
      if (attempt >= 4) throw new SluiceError('KAFKA_ERROR', `Kafka has no partitions for topic${wanted.length > 1 ? 's' : ''} '${wanted.join("', '")}' (and did not create ${wanted.length > 1 ? 'them' : 'it'}): create the topic, or enable auto.create.topics.enable on the brokers.`);
      await this.pause(100 * 2 ** attempt);
    }
  }

  /** Records naming a partition their topic does not have. */
  private unknownPartitions(records: readonly OutgoingRecord[]): OutgoingRecord[] {
    return records.filter((r) => r.partition !== null && !this.layouts.get(r.topic)!.partitions.has(r.partition));
  }

  /** The first row of columns naming a partition its topic does not have. */
  private unknownColumnPartition(chunks: readonly OutgoingColumns[]): { topic: string; partition: number } | undefined {
    for (const chunk of chunks) {
      if (!chunk.partition) continue;
      const known = this.layouts.get(chunk.topic)!.partitions;
      for (const p of chunk.partition) if (!Number.isNaN(p) && !known.has(p)) return { topic: chunk.topic, partition: p };
    }
    return undefined;
  }

  /** Java's producer fails a record whose partition the topic does not have; so does Sluice, before writing any. */
  private unknownPartition(topic: string, partition: number): SluiceError {
    const layout = this.layouts.get(topic)!;
    return new SluiceError(
      'KAFKA_UNKNOWN_PARTITION',
      `A record is for partition ${partition} of topic '${topic}', which has partitions ${describeIds(layout.ids)}. ` +
        "Nothing of this batch was written. Fix the 'partition' column (or drop it to let Kafka's partitioner choose), or add partitions to the topic.",
      { details: { topic, partition, partitions: layout.ids.length } },
    );
  }

  private async producerIdentity(): Promise<ProducerIdentity & { producerId: bigint }> {
    if (!this.identity) {
      // Without a transactional id any broker hands out a producer id (the Java client asks the least loaded node).
      const nodeId = [...this.layouts.values()][0]!.leaders.values().next().value!;
      const broker = (await this.cluster.findBroker({ nodeId })) as unknown as InitProducerIdBroker;
      try {
        const answer = await broker.initProducerId({ transactionalId: null, transactionTimeout: 60_000 });
        this.identity = { producerId: BigInt(answer.producerId), producerEpoch: answer.producerEpoch };
      } catch (error) {
        if (isConnectivityError(error)) throw error;
        throw new SluiceError(
          'KAFKA_ERROR',
          `The Kafka brokers refused an idempotent producer (InitProducerId: ${describeError(error)}). Set 'kafka.enable.idempotence' to false, or allow idempotent writes on the cluster (IdempotentWrite permission).`,
          { cause: error },
        );
      }
      this.sequences.clear();
    }
    return { ...this.identity, baseSequence: 0 };
  }

  /** Records → per-partition record batches (`batch.size`, compression, sequence numbers). */
  private async encode(records: readonly OutgoingRecord[], producer: (ProducerIdentity & { producerId: bigint }) | null): Promise<PartitionWork[]> {
    const { batchSize, compression } = this.settings.producer;
    const groups = new Map<string, { topic: string; partition: number; batches: OutgoingRecord[][]; bytes: number }>();
    for (const r of records) {
      const size = recordSize(r.key, r.value, r.headers);
      const partition = r.partition ?? this.partitionOf(r, size);
      const k = key(r.topic, partition);
      let group = groups.get(k);
      if (!group) groups.set(k, (group = { topic: r.topic, partition, batches: [[]], bytes: 0 }));
      if (group.bytes + size > batchSize && group.batches.at(-1)!.length > 0) {
        group.batches.push([]);
        group.bytes = 0;
      }
      group.batches.at(-1)!.push(r);
      group.bytes += size;
    }
    const seal = await this.sealer(producer);
    const work: PartitionWork[] = [];
    for (const group of groups.values()) work.push(seal(group.topic, group.partition, group.batches.map((batch) => [batch.length, () => encodeRecords(batch)])));
    return work;
  }

  /** Columns → per-partition record batches, as `encode` does for records. */
  private async encodeColumns(chunks: readonly OutgoingColumns[], count: number, producer: (ProducerIdentity & { producerId: bigint }) | null): Promise<PartitionWork[]> {
    const { batchSize } = this.settings.producer;
    const starts = new Int32Array(chunks.length + 1);
    const groups: ColumnGroup[] = [];
    const byTopic = new Map<string, Map<number, ColumnGroup>>();
    let g = 0;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c]!;
      starts[c] = g;
      const layout = this.layouts.get(chunk.topic)!;
      let ofTopic = byTopic.get(chunk.topic);
      if (!ofTopic) byTopic.set(chunk.topic, (ofTopic = new Map()));
      const { key, value, partition: explicit } = chunk;
      for (let row = 0; row < chunk.length; row++, g++) {
        const keyLength = lengthAt(key, row);
        const valueLength = lengthAt(value, row);
        // recordSize's estimate, as for records
        const size = 5 + (keyLength < 0 ? 1 : keyLength + 2) + (valueLength < 0 ? 1 : valueLength + 2);
        let partition = explicit ? explicit[row]! : NaN;
        if (Number.isNaN(partition)) {
          partition =
            keyLength >= 0
              ? layout.ids[(murmur2Range(key!.values, key!.offsets[key!.offset + row]!, key!.offsets[key!.offset + row + 1]!) & 0x7fffffff) % layout.ids.length]!
              : this.stickyPartition(chunk.topic, layout, size);
        }
        let group = ofTopic.get(partition);
        if (!group) {
          group = { topic: chunk.topic, partition, rows: new Int32Array(Math.min(count, 1_024)), length: 0, cuts: [], bytes: 0 };
          ofTopic.set(partition, group);
          groups.push(group);
        }
        if (group.bytes + size > batchSize && group.length > (group.cuts.at(-1) ?? 0)) {
          group.cuts.push(group.length);
          group.bytes = 0;
        }
        if (group.length === group.rows.length) {
          const grown = new Int32Array(Math.min(count, group.rows.length * 2));
          grown.set(group.rows);
          group.rows = grown;
        }
        group.rows[group.length++] = g;
        group.bytes += size;
      }
    }
    starts[chunks.length] = g;
    const seal = await this.sealer(producer);
    const work: PartitionWork[] = [];
    for (const group of groups) {
      const bounds = [0, ...group.cuts, group.length];
      const batches: [number, () => Uint8Array][] = [];
      for (let b = 0; b + 1 < bounds.length; b++) {
        const from = bounds[b]!;
        const to = bounds[b + 1]!;
        batches.push([to - from, () => encodeColumnRecords(chunks, starts, group.rows, from, to)]);
      }
      work.push(seal(group.topic, group.partition, batches));
    }
    return work;
  }

  /** Turns one partition's encoded records into whole batches: compressed (`compression.type`), with the producer id and sequence numbers when idempotent. */
  private async sealer(producer: (ProducerIdentity & { producerId: bigint }) | null) {
    const { compression } = this.settings.producer;
    const codecId = COMPRESSION_IDS[compression];
    const codec = compression === 'none' ? null : await kafkaCodec(compression);
    const now = this.scheduler.now();
    return (topic: string, partition: number, bodies: readonly (readonly [count: number, encode: () => Uint8Array])[]): PartitionWork => {
      const k = key(topic, partition);
      // Sequence numbers are taken now, in order; the bytes are made when dispatch first needs them.
      const identities = bodies.map(([count]) => {
        if (!producer) return NO_PRODUCER;
        const sequence = this.sequences.get(k) ?? 0;
        this.sequences.set(k, (sequence + count) % 2 ** 31);
        return { ...producer, baseSequence: sequence };
      });
      const made: Promise<Uint8Array>[] = [];
      const make = async (i: number) => {
        const [count, encode] = bodies[i]!;
        let body = encode();
        if (codec) body = await codec.compress(body);
        return encodeRecordBatch(body, count, codecId, now, identities[i]!);
      };
      return { topic, partition, size: bodies.length, batch: (i) => (made[i] ??= make(i)) };
    };
  }

  /** Java's default partitioner: murmur2 of the key; keyless records stay on one partition until it holds `batch.size` bytes. */
  private partitionOf(record: OutgoingRecord, size: number): number {
    const layout = this.layouts.get(record.topic)!;
    if (record.key !== null) {
      const bytes = typeof record.key === 'string' ? Buffer.from(record.key) : record.key;
      return layout.ids[partitionForKey(bytes, layout.ids.length)]!;
    }
    return this.stickyPartition(record.topic, layout, size);
  }

  private stickyPartition(topic: string, layout: TopicLayout, size: number): number {
    let sticky = this.sticky.get(topic);
    if (!sticky || sticky.bytes >= this.settings.producer.batchSize || !layout.partitions.has(sticky.partition)) {
      const next = sticky ? (layout.ids.indexOf(sticky.partition) + 1) % layout.ids.length : Math.floor(Math.random() * layout.ids.length);
      sticky = { partition: layout.ids[next < 0 ? 0 : next]!, bytes: 0 };
      this.sticky.set(topic, sticky);
    }
    sticky.bytes += size;
    return sticky.partition;
  }

  /**
   * Sends every partition's batches in order: to each leader up to `MAX_IN_FLIGHT` requests at
   * a time, each holding the next batch of partitions that have none in flight (up to
   * `max.request.size`), so a partition's batches are stored in order while the next batches
   * are encoded and other partitions' requests are on the wire. A partition refused with a
   * retriable error (leader moved, not enough replicas) waits, its leader looked up again, and
   * is resent — the same bytes, so an idempotent producer's retry is stored once — until
   * `delivery.timeout.ms`.
   */
  private async dispatch(work: PartitionWork[], signal: AbortSignal | undefined): Promise<void> {
    const { acks, deliveryTimeoutMs, maxRequestSize } = this.settings.producer;
    const deadline = this.scheduler.now() + deliveryTimeoutMs;
    const queues = new Map(work.map((w) => [w, 0]));
    for (let attempt = 0; ; attempt++) {
      const refused: { work: PartitionWork; error: Error }[] = [];
      const byLeader = new Map<number, PartitionWork[]>();
      for (const w of work) {
        if (queues.get(w)! >= w.size) continue;
        const leader = this.layouts.get(w.topic)!.leaders.get(w.partition) ?? -1;
        if (leader < 0) {
          refused.push({ work: w, error: Object.assign(new Error(`partition ${w.topic}-${w.partition} has no leader`), { retriable: true }) });
          continue;
        }
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), w]);
      }
      await Promise.all(
        [...byLeader].map(async ([nodeId, led]) => {
          const broker = (await this.cluster.findBroker({ nodeId })) as KafkajsBroker;
          let open = led;
          const busy = new Set<PartitionWork>();
          const inFlight = new Set<Promise<void>>();
          let failure: { error: unknown } | null = null;
          const answered = (request: readonly { work: PartitionWork; batch: PartitionBatch }[], answers: readonly ProducedPartition[]) => {
            const byKey = new Map<string, ProducedPartition>(answers.map((a) => [key(a.topic, a.partition), a]));
            for (const { work: w, batch: sent } of request) {
              busy.delete(w);
              const code = acks === 0 ? 0 : (byKey.get(key(sent.topic, sent.partition))?.errorCode ?? 0);
              if (code === 0 || code === DUPLICATE_SEQUENCE_NUMBER) {
                queues.set(w, queues.get(w)! + 1);
                continue;
              }
              const error = protocolError(code);
              if (!error.retriable) {
                failure ??= { error: new SluiceError('KAFKA_ERROR', `Kafka refused records for ${sent.topic}-${sent.partition}: ${describeError(error)}.`, { cause: error, details: { topic: sent.topic, partition: sent.partition } }) };
                continue;
              }
              refused.push({ work: w, error });
              open = open.filter((o) => o !== w);
            }
            open = open.filter((o) => queues.get(o)! < o.size);
          };
          while (failure === null) {
            if (this.closed || signal?.aborted) {
              failure = { error: new SluiceError('KAFKA_ERROR', 'The Kafka send was aborted: the query is stopping.') };
              break;
            }
            const request: { work: PartitionWork; batch: PartitionBatch }[] = [];
            let bytes = 0;
            if (inFlight.size < MAX_IN_FLIGHT) {
              for (const w of open) {
                // (an answer that came in while a batch below was encoded may have finished or refused w)
                if (busy.has(w) || queues.get(w)! >= w.size || !open.includes(w)) continue;
                const batch = await w.batch(queues.get(w)!);
                if (request.length > 0 && bytes + batch.length > maxRequestSize) break;
                request.push({ work: w, batch: { topic: w.topic, partition: w.partition, batch } });
                bytes += batch.length;
              }
            }
            if (request.length === 0) {
              if (inFlight.size === 0) break;
              await Promise.race(inFlight);
              continue;
            }
            for (const r of request) busy.add(r.work);
            const sent: Promise<void> = produceTo(broker, acks, this.settings.requestTimeoutMs, request.map((r) => r.batch)).then(
              (answers) => answered(request, answers),
              (error: unknown) => {
                failure ??= { error };
              },
            );
            const tracked: Promise<void> = sent.finally(() => inFlight.delete(tracked));
            inFlight.add(tracked);
          }
          await Promise.all(inFlight);
          if (failure !== null) throw (failure as { error: unknown }).error;
        }),
      );
      if (refused.length === 0) return;
      if (this.scheduler.now() >= deadline) {
        const first = refused[0]!;
        throw new SluiceError('KAFKA_ERROR', `Kafka kept refusing records for ${first.work.topic}-${first.work.partition} for ${deliveryTimeoutMs} ms ('kafka.delivery.timeout.ms'): ${describeError(first.error)}.`, { cause: first.error });
      }
      await this.pause(Math.min(1_000, 100 * 2 ** attempt));
      await this.learnTopics([...new Set(refused.map((r) => r.work.topic))], true);
    }
  }

  private pause(ms: number): Promise<unknown> {
    return firstValueFrom(timer(ms, this.scheduler));
  }
}

function describeIds(ids: readonly number[]): string {
  const contiguous = ids.every((id, i) => id === i);
  return contiguous ? `0 to ${ids.length - 1}` : ids.join(', ');
}
