import { defer, from, merge, mergeMap, Subject, type Observable, type Subscription } from 'rxjs';
import type { Schema, Table } from 'apache-arrow';
import type { Offset } from '@sluice/core';
import type { ReadLimit, Source, SourceContext } from '@sluice/core/connector';
import type { KafkaClient, KafkaRangeReader, OffsetRangeRequest, PartitionOffsetRange, RecordChunk } from '@sluice/kafka';
import { DataLossPolicy } from './dataLoss.ts';
import { parseInitialOffset, partitionKey, serializeInitialOffset, splitKey, toKafkaOffset, toPartitionOffsets, type KafkaOffset, type PartitionOffsets } from './kafkaOffset.ts';
import type { KafkaSourceConfig } from './options.ts';
import { Patience } from './patience.ts';
import { limitOffsets } from './rateLimit.ts';
import { kafkaSourceSchema, recordsToTable } from './recordTable.ts';
import { advances, inHandEnd } from './inHand.ts';
import { resolveStartingOffsets } from './startingOffsets.ts';
import { describeSubscription, subscribedPartitions } from './subscription.ts';

/** Rows per emitted table: big enough for columnar speed, small enough to stream a large batch. */
const ROWS_PER_TABLE = 16_384;

/**
 * How long a default-trigger batch waits for the reader to fetch records the broker already
 * shows before it is planned on the broker's offsets anyway (its read then waits for them, and
 * reports an unreachable broker after `kafkaConsumer.pollTimeoutMs`).
 */
const IN_HAND_PATIENCE_MS = 1_000;

/**
 * How long the broker's view (partitions, earliest and latest offsets) is trusted by default
 * triggers that plan on what the reader holds: within it they ask the broker nothing, so an idle
 * query polling every 10 ms does not cost three round trips a poll, and a batch starts as soon
 * as records arrive. New partitions and topics are seen within this time.
 */
const BROKER_VIEW_MAX_AGE_MS = 1_000;

/**
 * The running Kafka source (Spark's KafkaMicroBatchStream). Offsets come from the checkpoint
 * only: the resolved starting offsets are persisted in `sources/<i>/0`, every batch's range is
 * in the offset log; the reader fetches by partition and joins no consumer group.
 */
export class KafkaSource implements Source<KafkaOffset> {
  readonly description: string;
  readonly schema: Schema;
  readonly defaultReadLimit?: ReadLimit;
  readonly dataArrived$: Observable<void>;

  private readonly reader: KafkaRangeReader;
  private readonly patience: Patience;
  private readonly dataLoss: DataLossPolicy;
  private readonly wake = new Subject<void>();
  private latest: PartitionOffsets | null = null;
  /** Offsets looked up by the last `latestOffset`, reused once by the `read` of the batch it planned. */
  private plannedRanges: Map<string, PartitionOffsetRange> | null = null;
  private availableNowTarget: PartitionOffsets | null = null;
  /** Set by `refresh` (processAllAvailable): plan on the broker's latest offsets until a trigger finds nothing new there. */
  private exactUntilIdle = false;
  /** Since when the broker has shown records the reader has not fetched yet (null: it has not). */
  private notInHandSince: number | null = null;
  /** The broker's offsets from the last look-up, and when it was made (see BROKER_VIEW_MAX_AGE_MS). */
  private brokerView: { readonly ranges: Map<string, PartitionOffsetRange>; readonly at: number } | null = null;
  private lastTriggerMs: number;
  private delayTimer: Subscription | undefined;

  constructor(
    private readonly config: KafkaSourceConfig,
    private readonly client: KafkaClient,
    private readonly context: SourceContext,
  ) {
    this.description = `KafkaV2[${describeSubscription(config.subscription)}]`;
    this.schema = kafkaSourceSchema(config.includeHeaders);
    const limit = readLimitOf(config);
    if (limit) this.defaultReadLimit = limit;
    this.patience = new Patience({
      scheduler: context.scheduler,
      log: context.log,
      retriesBeforeContact: config.fetchOffsetRetries,
      retryIntervalMs: config.fetchOffsetRetryIntervalMs,
      outageTimeoutMs: config.pollTimeoutMs,
    });
    this.dataLoss = new DataLossPolicy(config.failOnDataLoss, context.log);
    this.reader = client.createReader({
      pollTimeoutMs: config.pollTimeoutMs,
    });
    this.lastTriggerMs = context.scheduler.now();
    this.dataArrived$ = merge(this.reader.arrivals$, this.wake);
  }

  async initialOffset(): Promise<KafkaOffset> {
    // Spark's layout: sources/<i>/0 holds the initial offsets, resolved once per checkpoint, in
    // Spark's bytes (a zero byte, v1, the JSON) so either engine can take over the other's checkpoint.
    const file = `sources/${this.context.sourceIndex}/0`;
    const existing = await this.context.metadata.readText('0');
    if (existing !== undefined) return parseInitialOffset(existing, file);
    const partitions = await this.patience.run('listing partitions', () => subscribedPartitions(this.config.subscription, this.client.admin));
    const ranges = await this.offsetRanges(unique(partitions.map((p) => p.topic)));
    const offsets = await this.patience.run('resolving starting offsets', () =>
      resolveStartingOffsets(this.config, partitions, ranges, this.client.admin, this.dataLoss),
    );
    const initial = toKafkaOffset(offsets);
    if (await this.context.metadata.writeText('0', serializeInitialOffset(initial), { ifAbsent: true })) return initial;
    // Another run wrote it first: the first write wins forever.
    return parseInitialOffset((await this.context.metadata.readText('0'))!, file);
  }

  async latestOffset(start: KafkaOffset, limit: ReadLimit): Promise<KafkaOffset> {
    // A reader that failed while fetching ahead (a refusal, a damaged batch) fails the query now,
    // not at the next batch that happens to need it.
    this.reader.check();
    const startOffsets = toPartitionOffsets(start);
    // Read limits, availableNow and processAllAvailable plan on the broker's offsets (Spark's rule);
    // the default trigger plans on what the reader holds (see inHandEnd).
    const exact = this.exactUntilIdle || this.availableNowTarget !== null || limit.kind !== 'all';
    if (exact && this.idleUnderReadLimit(startOffsets, limit)) return start;
    const held = exact ? null : this.heldEnd(startOffsets);
    if (held) return toKafkaOffset(held);
    // Metadata and the offsets of the topics read so far are looked up together (this is on
    // every trigger's path); topics that only now appear get their offsets after.
    const known = unique([...startOffsets.keys()].map((k) => splitKey(k).topic));
    const [partitions, knownRanges] = await Promise.all([
      this.patience.run('listing partitions', () => subscribedPartitions(this.config.subscription, this.client.admin)),
      // A topic deleted since the last batch fails this look-up; it is redone below without it.
      this.client.admin.offsetRanges(known).catch(() => null),
    ]);
    const current = unique(partitions.map((p) => p.topic));
    const missing = knownRanges === null ? current : current.filter((t) => !known.includes(t));
    const allRanges = [...(knownRanges ?? []), ...(missing.length > 0 ? await this.offsetRanges(missing) : [])];
    const subscribed = new Set(partitions.map((p) => partitionKey(p.topic, p.partition)));
    const ranges = new Map(allRanges.map((r) => [partitionKey(r.topic, r.partition), r] as const).filter(([k]) => subscribed.has(k)));
    let latest: PartitionOffsets = new Map([...ranges].map(([k, r]) => [k, r.latest]));
    if (this.availableNowTarget) latest = capTo(latest, this.availableNowTarget);
    this.latest = latest;
    this.plannedRanges = ranges;
    this.brokerView = { ranges, at: this.context.scheduler.now() };

    const begin: PartitionOffsets = new Map();
    for (const [k, offset] of startOffsets) {
      const { topic, partition } = splitKey(k);
      const range = ranges.get(k);
      if (!range) this.dataLoss.report(topic, partition, offset, null, 'the partition is gone: its topic was deleted');
      else if (range.latest < offset) {
        this.dataLoss.report(topic, partition, range.latest, offset, `the partition now ends at ${range.latest}: the topic was recreated or the broker lost its log`);
        begin.set(k, range.latest);
      } else begin.set(k, offset);
    }
    for (const [k, range] of ranges) {
      if (startOffsets.has(k) || !latest.has(k)) continue;
      // A partition that appeared since the last batch is read from its beginning.
      const { topic, partition } = splitKey(k);
      if (range.earliest > 0) this.dataLoss.report(topic, partition, 0, range.earliest, `the new partition starts at offset ${range.earliest}, not 0`);
      begin.set(k, range.earliest);
    }
    // Keep the reader fetching from where the next batch starts, even when nothing is new yet:
    // its arrivals wake the trigger instead of polling.
    this.reader.prefetch([...begin].map(([k, offset]) => ({ ...splitKey(k), offset })));

    let end = this.applyLimit(limit, begin, latest);
    if (exact) {
      if (end === null || !advances(startOffsets, end)) this.exactUntilIdle = false;
    } else if (end !== null) end = this.inHand(begin, end);
    return toKafkaOffset(end ?? startOffsets);
  }

  /**
   * A default-trigger batch end from the records the reader holds, asking the broker nothing;
   * null when the broker must be asked: its view is stale, the partitions differ from the
   * last look-up, or the reader does not follow some partition from its start.
   */
  private heldEnd(startOffsets: PartitionOffsets): PartitionOffsets | null {
    const view = this.freshBrokerView(startOffsets);
    if (!view) return null;
    const end: PartitionOffsets = new Map();
    for (const [k, from] of startOffsets) {
      const range = view.ranges.get(k);
      if (!range || range.earliest > from) return null;
      const held = this.heldFrom(k, from);
      if (held === undefined) return null;
      end.set(k, held);
    }
    // What the reader holds exists on the broker: the view's latest offsets are at least that.
    const ranges = new Map([...view.ranges].map(([k, r]) => [k, { ...r, latest: Math.max(r.latest, end.get(k)!) }] as const));
    this.brokerView = { ranges, at: view.at };
    this.plannedRanges = ranges;
    this.latest = new Map([...ranges].map(([k, r]) => [k, r.latest]));
    return end;
  }

  /**
   * Whether a read-limited trigger may answer "nothing new" without asking the broker: its
   * last answer (under a second old) had nothing past the start, and the reader, which fetches
   * from there, holds nothing either — records arriving wake the trigger. Spark asks the broker
   * on every poll of an idle query (three requests per 10 ms). Not with minOffsetsPerTrigger,
   * whose delay clock Spark restarts on every poll, nor under availableNow or
   * processAllAvailable, which need the broker's own answer.
   */
  private idleUnderReadLimit(startOffsets: PartitionOffsets, limit: ReadLimit): boolean {
    if (this.exactUntilIdle || this.availableNowTarget !== null) return false;
    if ((limit.kind === 'composite' ? limit.limits : [limit]).some((l) => l.kind === 'minRows')) return false;
    const view = this.freshBrokerView(startOffsets);
    if (!view) return false;
    for (const [k, from] of startOffsets) {
      const range = view.ranges.get(k);
      if (!range || range.latest > from || this.heldFrom(k, from) !== from) return false;
    }
    return true;
  }

  /** The broker's last answer, if it is under BROKER_VIEW_MAX_AGE_MS old and covers exactly the partitions of `startOffsets`. */
  private freshBrokerView(startOffsets: PartitionOffsets): KafkaSource['brokerView'] {
    const view = this.brokerView;
    if (!view || this.context.scheduler.now() - view.at >= BROKER_VIEW_MAX_AGE_MS || view.ranges.size !== startOffsets.size) return null;
    return view;
  }

  /** How far the reader holds partition `k`'s records from `from` (see KafkaRangeReader.fetchedUntil). */
  private heldFrom(k: string, from: number): number | undefined {
    const { topic, partition } = splitKey(k);
    return this.reader.fetchedUntil(topic, partition, from);
  }

  private inHand(begin: PartitionOffsets, end: PartitionOffsets): PartitionOffsets {
    const cut = inHandEnd(begin, end, (k, from) => this.heldFrom(k, from));
    if (advances(begin, cut) || !advances(begin, end)) {
      this.notInHandSince = null;
      return cut;
    }
    // Nothing in hand yet though the broker has records: wait for the reader's arrival wake,
    // but not forever.
    const now = this.context.scheduler.now();
    this.notInHandSince ??= now;
    return now - this.notInHandSince < IN_HAND_PATIENCE_MS ? cut : end;
  }

  /** processAllAvailable: the next batches must cover all the broker holds now, not only what was fetched. */
  refresh(): void {
    this.exactUntilIdle = true;
  }

  read(start: KafkaOffset, end: KafkaOffset): Observable<Table> {
    return defer(() => from(this.readTables(start, end))).pipe(mergeMap((tables) => tables));
  }

  async commit(_end: Offset): Promise<void> {
    // Nothing to release: offsets are never committed to Kafka (the checkpoint is the truth).
  }

  async prepareForAvailableNow(): Promise<void> {
    const partitions = await this.patience.run('listing partitions', () => subscribedPartitions(this.config.subscription, this.client.admin));
    const ranges = await this.offsetRanges(unique(partitions.map((p) => p.topic)));
    const subscribed = new Set(partitions.map((p) => partitionKey(p.topic, p.partition)));
    this.availableNowTarget = new Map(ranges.map((r) => [partitionKey(r.topic, r.partition), r.latest] as const).filter(([k]) => subscribed.has(k)));
  }

  reportLatestOffset(): KafkaOffset | null {
    return this.latest ? toKafkaOffset(this.latest) : null;
  }

  /** Spark's `minOffsetsBehindLatest`/`maxOffsetsBehindLatest`/`avgOffsetsBehindLatest`, plus `offsetsLost` when data loss is tolerated. */
  metrics(end: Offset | null): Record<string, string> {
    const metrics: Record<string, string> = {};
    if (end !== null && this.latest && this.latest.size > 0) {
      const consumed = toPartitionOffsets(end);
      const behind = [...this.latest].map(([k, latest]) => latest - (consumed.get(k) ?? 0));
      metrics['avgOffsetsBehindLatest'] = javaDouble(behind.reduce((a, b) => a + b, 0) / behind.length);
      metrics['maxOffsetsBehindLatest'] = String(Math.max(...behind));
      metrics['minOffsetsBehindLatest'] = String(Math.min(...behind));
    }
    if (!this.config.failOnDataLoss) metrics['offsetsLost'] = String(this.dataLoss.lostOffsets);
    return metrics;
  }

  async stop(): Promise<void> {
    this.delayTimer?.unsubscribe();
    this.wake.complete();
    await this.client.close();
  }

  private async readTables(start: KafkaOffset, end: KafkaOffset): Promise<Table[]> {
    const startOffsets = toPartitionOffsets(start);
    const endOffsets = toPartitionOffsets(end);
    const ranges = await this.rangesFor(endOffsets);
    const requests: OffsetRangeRequest[] = [];
    for (const [k, endOffset] of endOffsets) {
      const { topic, partition } = splitKey(k);
      const range = ranges.get(k);
      let from = startOffsets.get(k) ?? range?.earliest ?? 0;
      let until = endOffset;
      if (until <= from) continue; // empty, or the log moved back (reported when the batch was planned)
      if (!range) {
        this.dataLoss.report(topic, partition, from, until, 'the partition is gone: its topic was deleted');
        continue;
      }
      if (range.earliest > from) {
        this.dataLoss.report(topic, partition, from, Math.min(range.earliest, until), `the partition now starts at offset ${range.earliest} (aged out by retention)`);
        from = range.earliest;
      }
      if (range.latest < until) {
        this.dataLoss.report(topic, partition, Math.max(from, range.latest), until, `the partition now ends at ${range.latest}: the topic was recreated or the broker lost its log`);
        until = range.latest;
      }
      if (from < until) requests.push({ topic, partition, from, until });
    }
    const tables: Table[] = [];
    const pending: RecordChunk[] = [];
    let pendingRows = 0;
    const gaps: { topic: string; partition: number; from: number; until: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      this.reader.read(requests).subscribe({
        next: (chunk) => {
          for (const gap of chunk.gaps) gaps.push({ topic: chunk.topic, partition: chunk.partition, ...gap });
          if (chunk.records.length === 0) return;
          pending.push(chunk);
          pendingRows += chunk.records.length;
          if (pendingRows >= ROWS_PER_TABLE) {
            tables.push(recordsToTable(this.schema, pending.splice(0)));
            pendingRows = 0;
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    if (pending.length > 0 || tables.length === 0) tables.push(recordsToTable(this.schema, pending));
    if (gaps.length > 0) await this.checkGaps(gaps);
    return tables;
  }

  /**
   * Offsets that held no record when read are compacted records or transaction markers — unless
   * retention deleted them while the batch was read, which shows as a log start past the gap.
   */
  private async checkGaps(gaps: readonly { topic: string; partition: number; from: number; until: number }[]): Promise<void> {
    const ranges = new Map((await this.offsetRanges(unique(gaps.map((g) => g.topic)))).map((r) => [partitionKey(r.topic, r.partition), r]));
    for (const gap of gaps) {
      const range = ranges.get(partitionKey(gap.topic, gap.partition));
      const earliest = range?.earliest ?? Infinity;
      if (earliest > gap.from) {
        this.dataLoss.report(gap.topic, gap.partition, gap.from, Math.min(gap.until, earliest), 'the records were deleted by retention while the batch was read');
      } else if (range && range.latest < gap.until) {
        this.dataLoss.report(gap.topic, gap.partition, Math.max(gap.from, range.latest), gap.until, `the partition now ends at ${range.latest}: the topic was recreated or the broker lost its log while the batch was read`);
      }
    }
  }

  /**
   * The offsets a read checks its range against: those `latestOffset` just looked up for this
   * batch when they cover it (saving two requests per batch), fresh ones otherwise (a replay
   * after a restart). Records deleted in between still show, as a gap the read verifies.
   */
  private async rangesFor(endOffsets: PartitionOffsets): Promise<Map<string, PartitionOffsetRange>> {
    const planned = this.plannedRanges;
    this.plannedRanges = null;
    if (planned && [...endOffsets].every(([k, end]) => (planned.get(k)?.latest ?? -1) >= end)) return planned;
    const topics = unique([...endOffsets.keys()].map((k) => splitKey(k).topic));
    return new Map((await this.offsetRanges(topics)).map((r) => [partitionKey(r.topic, r.partition), r]));
  }

  private offsetRanges(topics: readonly string[]): Promise<PartitionOffsetRange[]> {
    return this.patience.run('listing offsets', () => this.client.admin.offsetRanges(topics));
  }

  /** The end of the next batch under `limit`, or null when minOffsetsPerTrigger holds the batch back. */
  private applyLimit(limit: ReadLimit, begin: PartitionOffsets, latest: PartitionOffsets): PartitionOffsets | null {
    const limits = limit.kind === 'composite' ? limit.limits : [limit];
    if (limits.some((l) => l.kind === 'all')) return latest;
    const min = limits.find((l) => l.kind === 'minRows');
    if (min && this.holdBack(min.minRows, min.maxTriggerDelayMs, begin, latest)) return null;
    const max = limits.find((l) => l.kind === 'maxRows');
    return max ? limitOffsets(max.maxRows, begin, latest) : latest;
  }

  /** Spark's minOffsetsPerTrigger rule: wait for enough new offsets, but never longer than maxTriggerDelay. */
  private holdBack(minRows: number, maxDelayMs: number, begin: PartitionOffsets, latest: PartitionOffsets): boolean {
    const now = this.context.scheduler.now();
    if (now - this.lastTriggerMs >= maxDelayMs) {
      this.lastTriggerMs = now;
      return false;
    }
    let available = 0;
    for (const [k, offset] of latest) available += Math.max(0, offset - (begin.get(k) ?? offset));
    if (available >= minRows) {
      this.lastTriggerMs = now;
      return false;
    }
    // Wake the trigger when the delay runs out, even if no more records arrive.
    this.delayTimer?.unsubscribe();
    this.delayTimer = this.context.scheduler.schedule(() => this.wake.next(), this.lastTriggerMs + maxDelayMs - now);
    return true;
  }
}

function readLimitOf(config: KafkaSourceConfig): ReadLimit | undefined {
  const max: ReadLimit | undefined = config.maxOffsetsPerTrigger === undefined ? undefined : { kind: 'maxRows', maxRows: config.maxOffsetsPerTrigger };
  const min: ReadLimit | undefined =
    config.minOffsetsPerTrigger === undefined ? undefined : { kind: 'minRows', minRows: config.minOffsetsPerTrigger, maxTriggerDelayMs: config.maxTriggerDelayMs };
  if (max && min) return { kind: 'composite', limits: [min, max] };
  return max ?? min;
}

function capTo(latest: PartitionOffsets, target: PartitionOffsets): PartitionOffsets {
  const capped: PartitionOffsets = new Map();
  for (const [k, offset] of latest) if (target.has(k)) capped.set(k, Math.min(offset, target.get(k)!));
  return capped;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** A double as Java prints it ("3.0", "2.5"), as in Spark's progress metrics. */
function javaDouble(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
