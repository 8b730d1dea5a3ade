import type { Observable } from 'rxjs';
import type { RecordColumns } from './recordColumns.ts';

/**
 * The Kafka client Sluice's source and sink are written against: a small interface of our own,
 * so kafkajs (the implementation in this folder) can be replaced by another client without
 * touching the source or sink. Offsets are JS numbers: exact up to 2^53, far beyond any log.
 */
export interface KafkaClient {
  /** Metadata and offset look-ups (Kafka's Metadata and ListOffsets requests). */
  readonly admin: KafkaAdmin;
  /** One long-lived reader per query run: it keeps its connections and what it fetched ahead between batches. */
  createReader(options: KafkaReaderOptions): KafkaRangeReader;
  createProducer(options: KafkaProducerOptions): KafkaProducerClient;
  close(): Promise<void>;
}

/** A topic and a partition number. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** The offsets a partition holds now: records live in `[earliest, latest)`. */
export interface PartitionOffsetRange extends TopicPartition {
  readonly earliest: number;
  readonly latest: number;
}

/** The metadata and offset look-ups a Kafka source needs from the cluster. */
export interface KafkaAdmin {
  /** Every topic name the cluster knows (internal topics excluded). */
  listTopics(): Promise<string[]>;
  /** Partition ids of each existing topic among `topics`; missing topics are absent from the map. */
  partitions(topics: readonly string[]): Promise<Map<string, number[]>>;
  /** Earliest and latest offsets of every partition of `topics`. */
  offsetRanges(topics: readonly string[]): Promise<PartitionOffsetRange[]>;
  /** Per partition, the first offset whose timestamp is ≥ `timestampMs`, or `null` when no record is that late. */
  offsetsForTimestamp(topic: string, timestampMs: number): Promise<{ partition: number; offset: number | null }[]>;
}

/** A record header: a key and a value (null when absent). */
export interface KafkaHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** One record as read (the row view of `RecordColumns`); `timestampType` is Kafka's: 0 = CreateTime, 1 = LogAppendTime. */
export interface KafkaRecord {
  readonly offset: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly timestamp: number;
  readonly timestampType: number;
  readonly headers: readonly KafkaHeader[] | null;
}

/** Read the records with offsets in `[from, until)` of one partition. */
export interface OffsetRangeRequest extends TopicPartition {
  readonly from: number;
  readonly until: number;
}

/**
 * Records of one partition, in offset order. `gaps` are offset spans inside the range that held
 * no record when read: compaction and transaction markers make such spans legitimately, and so
 * does retention deleting records before they were read — the caller tells these apart.
 */
export interface RecordChunk extends TopicPartition {
  /** Column by column; `records.rows()` gives objects. */
  readonly records: RecordColumns;
  readonly gaps: readonly { readonly from: number; readonly until: number }[];
}

/** Settings of a range reader (fetch sizes and waits). */
export interface KafkaReaderOptions {
  /** A read that makes no progress for this long fails with `KAFKA_UNREACHABLE`. */
  readonly pollTimeoutMs: number;
  /** Records held ahead of reads per partition before fetching it pauses (default 50,000). */
  readonly maxBufferedRecordsPerPartition?: number;
  /** Key and value bytes held ahead of reads per partition before fetching it pauses (default 16 MiB). */
  readonly maxBufferedBytesPerPartition?: number;
}

/** Reads offset ranges of partitions into record columns; what a custom Kafka client implements for the source. */
export interface KafkaRangeReader {
  /**
   * Exactly the records of each range, as chunks per partition; completes once every range has
   * been read to its end. Ranges must be of distinct partitions.
   */
  read(ranges: readonly OffsetRangeRequest[]): Observable<RecordChunk>;
  /** Start fetching these partitions from these offsets ahead of the next `read` (a hint). */
  prefetch(positions: readonly (TopicPartition & { readonly offset: number })[]): void;
  /**
   * How far the records of a partition from `from` on are already in hand (fetched ahead of
   * reads): a read of `[from, result)` needs no broker round trip. Undefined when the reader is
   * not following the partition from `from` (no broker answer yet, or positioned elsewhere).
   */
  fetchedUntil(topic: string, partition: number, from: number): number | undefined;
  /** Emits when records arrive ahead of any read: new data, for waking a waiting trigger (and when the reader fails, so the failure is seen at once). */
  readonly arrivals$: Observable<void>;
  /** Throws the error that stopped the reader (a refusal retrying cannot fix, a damaged batch); returns when it is fetching normally. */
  check(): void;
  /** Stops fetching at once (a fetch on the wire is abandoned) and releases every connection and timer. */
  close(): Promise<void>;
}

/** A record the kafka sink produces. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly partition: number | null;
  readonly key: Uint8Array | string | null;
  readonly value: Uint8Array | string | null;
  readonly headers: readonly KafkaHeader[] | null;
}

/** Settings of a producer client. */
export interface KafkaProducerOptions {
  /** Give up a send that could not be acknowledged for this long (Kafka's `delivery.timeout.ms`). */
  readonly deliveryTimeoutMs: number;
}

/**
 * A column of byte strings in Arrow's Binary/Utf8 layout, read where it lies: row `i` is
 * `values[offsets[offset + i] .. offsets[offset + i + 1])`, null where bit `offset + i` of
 * `validity` is clear.
 */
export interface OutgoingBytes {
  readonly values: Uint8Array;
  readonly offsets: Int32Array;
  /** Arrow's validity bitmap (a set bit is a value), or null when no row is null. */
  readonly validity: Uint8Array | null;
  /** The first row's index into `offsets` and `validity` (an Arrow slice's offset). */
  readonly offset: number;
}

/**
 * Records of one topic without headers, as columns (one Arrow record batch of the sink's
 * output): what the sink hands a producer that implements `sendColumns`, so no object is made
 * per record.
 */
export interface OutgoingColumns {
  readonly topic: string;
  readonly length: number;
  readonly key: OutgoingBytes | null;
  readonly value: OutgoingBytes | null;
  /** The partition of each row, NaN where Kafka's partitioner chooses; null when it chooses for every row. */
  readonly partition: Float64Array | null;
}

/** Sends records for the kafka sink; what a custom Kafka client implements for the sink. */
export interface KafkaProducerClient {
  /** Resolves once the broker acknowledged every record (acks = all unless configured). */
  send(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<void>;
  /**
   * Optional: the same as `send` for records given as columns, in order (chunk after chunk).
   * The sink uses it when present and the output has no `headers` or `topic` column.
   */
  sendColumns?(chunks: readonly OutgoingColumns[], signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
