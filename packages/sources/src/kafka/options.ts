import { defineOptions, opt } from '@sluice/core/connector';
import { SluiceError } from '@sluice/core';
import { parseKafkaClientSettings } from '@sluice/kafka/internal';
import { type KafkaClientSettings } from '@sluice/kafka';

type PerPartition = Readonly<Record<string, Readonly<Record<string, number>>>>;

const isPerPartition = (value: unknown): value is PerPartition =>
  value !== null && typeof value === 'object' && !Array.isArray(value) &&
  Object.values(value).every((p) => p !== null && typeof p === 'object' && !Array.isArray(p) &&
    Object.entries(p).every(([k, v]) => /^\d+$/.test(k) && typeof v === 'number' && Number.isSafeInteger(v)));

const isAssignment = (value: unknown): value is Readonly<Record<string, readonly number[]>> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) &&
  Object.values(value).every((p) => Array.isArray(p) && p.every((n) => Number.isSafeInteger(n) && n >= 0));

const isTextOrList = (value: unknown): value is string | readonly string[] =>
  typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
const isText = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is string | number | bigint => typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint';

/** The Kafka source's options: Spark's names and defaults, plus `kafka.*` passed to the client. */
export const kafkaSourceOptions = defineOptions(
  'kafka',
  {
    subscribe: opt.custom('comma-separated topics', isTextOrList).describe('comma-separated topics to read'),
    subscribePattern: opt.custom('a regular expression', isText).describe('a regular expression; every matching topic is read, new ones included'),
    assign: opt.custom('a JSON object of partitions per topic, e.g. {"topicA":[0,1]}', isText).describe('exact partitions to read'),
    startingOffsets: opt.nonEmptyString().default('latest').describe('earliest, latest, or JSON {"topic":{"0":23,"1":-2}} (-2 earliest, -1 latest) or {"topic":"earliest"}'),
    startingOffsetsByTimestamp: opt.json('a JSON object of timestamps per partition, e.g. {"topic":{"0":1700000000000}}', isPerPartition),
    startingTimestamp: opt.nonNegativeInt().describe('one timestamp (ms) for every partition'),
    startingOffsetsByTimestampStrategy: opt.oneOf(['error', 'latest'] as const).default('error'),
    // Spark's batch-read options: named so a streaming query gets Spark's refusal, not "unknown option".
    endingOffsets: opt.custom('(batch queries only)', isText),
    endingOffsetsByTimestamp: opt.custom('(batch queries only)', isText),
    endingTimestamp: opt.custom('(batch queries only)', isCount),
    failOnDataLoss: opt.boolean().default(true),
    maxOffsetsPerTrigger: opt.custom('a positive integer', isCount),
    minOffsetsPerTrigger: opt.custom('a positive integer', isCount),
    maxTriggerDelay: opt.duration('ms').default(15 * 60_000),
    /** Spark's hint to split offset ranges over more tasks; Sluice reads each batch with one reader, so it changes no answer. */
    minPartitions: opt.custom('a positive integer', isCount).describe('accepted (Spark splits reads over more tasks); one reader reads each batch here'),
    includeHeaders: opt.boolean().default(false),
    groupIdPrefix: opt.nonEmptyString().default('sluice-kafka-source'),
    'kafkaConsumer.pollTimeoutMs': opt.positiveInt().default(120_000),
    'fetchOffset.numRetries': opt.nonNegativeInt().default(3),
    'fetchOffset.retryIntervalMs': opt.positiveInt().default(10),
  },
  { passthroughPrefixes: ['kafka.'] },
);

export type Subscription =
  | { readonly kind: 'subscribe'; readonly topics: readonly string[] }
  | { readonly kind: 'subscribePattern'; readonly pattern: RegExp; readonly source: string }
  | { readonly kind: 'assign'; readonly partitions: Readonly<Record<string, readonly number[]>> };

export type StartingOffsets =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  /** Offsets per partition, and/or per topic (`{"t":"earliest"}`: every partition of t, as Spark 4.1 reads it). */
  | { readonly kind: 'offsets'; readonly offsets: PerPartition; readonly topics: Readonly<Record<string, 'earliest' | 'latest'>> }
  | { readonly kind: 'timestamp'; readonly timestampMs: number }
  | { readonly kind: 'timestamps'; readonly timestamps: PerPartition };

/** The Kafka source's configuration, parsed once from the options. */
export interface KafkaSourceConfig {
  readonly subscription: Subscription;
  readonly startingOffsets: StartingOffsets;
  readonly timestampStrategy: 'error' | 'latest';
  readonly failOnDataLoss: boolean;
  readonly maxOffsetsPerTrigger: number | undefined;
  readonly minOffsetsPerTrigger: number | undefined;
  readonly maxTriggerDelayMs: number;
  readonly includeHeaders: boolean;
  readonly groupIdPrefix: string;
  readonly pollTimeoutMs: number;
  readonly fetchOffsetRetries: number;
  readonly fetchOffsetRetryIntervalMs: number;
  readonly client: KafkaClientSettings;
}

/** Parse and check the options of `format('kafka')` for reading; every mistake is a `SluiceError` naming the option. */
export function parseKafkaSourceOptions(raw: Readonly<Record<string, unknown>>): KafkaSourceConfig {
  const { options: o, passthrough } = kafkaSourceOptions.parse(raw);
  // Spark's order of checks (KafkaSourceProvider.validateStreamOptions): batch-only options, the
  // subscription, then the rest.
  if (o.endingOffsets !== undefined || o.endingTimestamp !== undefined || o.endingOffsetsByTimestamp !== undefined) {
    const option = o.endingOffsets !== undefined ? 'endingOffsets' : o.endingTimestamp !== undefined ? 'endingTimestamp' : 'endingOffsetsByTimestamp';
    throw new SluiceError(
      'INVALID_OPTION',
      `${option === 'endingOffsets' ? 'Ending offset' : 'Ending timestamp'} not valid in streaming queries: remove option '${option}' (a stream has no end; ` +
        "to stop at the data present at start, use trigger availableNow).",
      { details: { option } },
    );
  }
  const subscription = subscriptionOf(o.subscribe, o.subscribePattern, o.assign);
  const bootstrap = passthrough['bootstrap.servers'];
  if (typeof bootstrap !== 'string' || bootstrap.trim() === '') {
    throw new SluiceError('MISSING_OPTION', "Format 'kafka' requires option 'kafka.bootstrap.servers' (host:port,host:port).", { details: { option: 'kafka.bootstrap.servers' } });
  }
  const maxOffsetsPerTrigger = positiveCount('maxOffsetsPerTrigger', o.maxOffsetsPerTrigger);
  const minOffsetsPerTrigger = positiveCount('minOffsetsPerTrigger', o.minOffsetsPerTrigger);
  positiveCount('minPartitions', o.minPartitions, 'minPartitions must be positive');
  if (minOffsetsPerTrigger !== undefined && maxOffsetsPerTrigger !== undefined && minOffsetsPerTrigger > maxOffsetsPerTrigger) {
    throw new SluiceError(
      'INVALID_OPTION',
      `The value of minOffsetPerTrigger(${minOffsetsPerTrigger}) is higher than the maxOffsetsPerTrigger(${maxOffsetsPerTrigger}): ` +
        "lower 'minOffsetsPerTrigger' or raise 'maxOffsetsPerTrigger'.",
      { details: { option: 'minOffsetsPerTrigger' } },
    );
  }
  return {
    subscription,
    startingOffsets: startingOffsetsOf(o.startingOffsets, o.startingOffsetsByTimestamp, o.startingTimestamp),
    timestampStrategy: o.startingOffsetsByTimestampStrategy,
    failOnDataLoss: o.failOnDataLoss,
    maxOffsetsPerTrigger,
    minOffsetsPerTrigger,
    maxTriggerDelayMs: o.maxTriggerDelay,
    includeHeaders: o.includeHeaders,
    groupIdPrefix: o.groupIdPrefix,
    pollTimeoutMs: o['kafkaConsumer.pollTimeoutMs'],
    fetchOffsetRetries: o['fetchOffset.numRetries'],
    fetchOffsetRetryIntervalMs: o['fetchOffset.retryIntervalMs'],
    client: parseKafkaClientSettings(bootstrap, passthrough, 'source'),
  };
}

/**
 * A positive whole count given as Spark takes it (a Java long: digits only, `"1.0"` refused).
 * Values beyond JavaScript's safe integers (Spark's tests pass Long.MaxValue) mean "no limit"
 * and are held at Number.MAX_SAFE_INTEGER.
 */
function positiveCount(option: string, value: string | number | bigint | undefined, spark = ''): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text) && BigInt(text) > 0n) return BigInt(text) > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(text);
  throw new SluiceError(
    'INVALID_OPTION',
    `${spark ? `${spark}: ` : ''}option '${option}' must be a positive integer such as 10, got ${JSON.stringify(value === undefined ? null : typeof value === 'bigint' ? String(value) : value)}.`,
    { details: { option } },
  );
}

function subscriptionOf(subscribe: string | readonly string[] | undefined, pattern: string | undefined, assign: string | undefined): Subscription {
  const given = [subscribe !== undefined && 'subscribe', pattern !== undefined && 'subscribePattern', assign !== undefined && 'assign'].filter((g): g is string => g !== false);
  if (given.length !== 1) {
    throw new SluiceError(
      given.length === 0 ? 'MISSING_OPTION' : 'INVALID_OPTION',
      given.length === 0
        ? "One of the following options must be specified for Kafka source: subscribe, subscribePattern, assign. Set 'subscribe' to a topic list, 'subscribePattern' to a regular expression, or 'assign' to partitions."
        : `Only one of the following options can be specified for Kafka source: subscribe, subscribePattern, assign; got ${given.map((g) => `'${g}'`).join(' and ')}. Keep one of them.`,
      { details: { options: given } },
    );
  }
  if (subscribe !== undefined) {
    const topics = (typeof subscribe === 'string' ? subscribe.split(',') : subscribe).map((t) => t.trim()).filter((t) => t !== '');
    if (topics.length === 0) {
      throw new SluiceError('INVALID_OPTION', `No topics to subscribe to as specified value for option 'subscribe' is '${String(subscribe)}': name at least one topic, e.g. 'events' or 'a,b'.`, { details: { option: 'subscribe' } });
    }
    return { kind: 'subscribe', topics: [...new Set(topics)] };
  }
  if (pattern !== undefined) {
    if (pattern.trim() === '') {
      throw new SluiceError('INVALID_OPTION', `Pattern to subscribe is empty as specified value for option 'subscribePattern' is '${pattern}': give a regular expression such as 'events-.*'.`, { details: { option: 'subscribePattern' } });
    }
    try {
      // Java's Matcher.matches(): the whole topic name must match.
      return { kind: 'subscribePattern', pattern: new RegExp(`^(?:${pattern})$`), source: pattern };
    } catch (error) {
      throw new SluiceError('INVALID_OPTION', `Option 'subscribePattern' is not a valid regular expression: ${(error as Error).message}.`, { details: { option: 'subscribePattern' } });
    }
  }
  if (assign!.trim() === '') {
    throw new SluiceError('INVALID_OPTION', `No topicpartitions to assign as specified value for option 'assign' is '${assign}': give partitions per topic, e.g. {"topicA":[0,1]}.`, { details: { option: 'assign' } });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(assign!);
  } catch {
    parsed = undefined;
  }
  if (!isAssignment(parsed) || Object.keys(parsed).length === 0 || Object.values(parsed).some((p) => p.length === 0)) {
    throw new SluiceError('INVALID_OPTION', `Option 'assign' must list at least one partition per topic as JSON, e.g. {"topicA":[0,1]}, got ${JSON.stringify(assign)}.`, { details: { option: 'assign' } });
  }
  return { kind: 'assign', partitions: parsed };
}

function startingOffsetsOf(offsets: string, byTimestamp: PerPartition | undefined, timestamp: number | undefined): StartingOffsets {
  // Spark's precedence: startingTimestamp, then startingOffsetsByTimestamp, then startingOffsets.
  if (timestamp !== undefined) return { kind: 'timestamp', timestampMs: timestamp };
  if (byTimestamp !== undefined) return { kind: 'timestamps', timestamps: byTimestamp };
  const word = offsets.trim().toLowerCase();
  if (word === 'earliest' || word === 'latest') return { kind: word };
  let parsed: unknown;
  try {
    parsed = JSON.parse(offsets);
  } catch {
    parsed = undefined;
  }
  // Each topic maps to its partitions' offsets, or to "earliest"/"latest" for all of them (any case).
  const perPartition: Record<string, Readonly<Record<string, number>>> = {};
  const topics: Record<string, 'earliest' | 'latest'> = {};
  let valid = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  for (const [topic, value] of valid ? Object.entries(parsed as object) : []) {
    const level = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (level === 'earliest' || level === 'latest') topics[topic] = level;
    else if (isPerPartition({ [topic]: value }) && Object.values(value as Record<string, number>).every((v) => v >= -2)) perPartition[topic] = value as Record<string, number>;
    else valid = false;
  }
  if (!valid) {
    throw new SluiceError(
      'INVALID_OPTION',
      `Option 'startingOffsets' must be 'earliest', 'latest' or JSON such as {"topic":{"0":23,"1":-2}} (-2 = earliest, -1 = latest) or {"topic":"earliest"}, got ${JSON.stringify(offsets)}.`,
      { details: { option: 'startingOffsets' } },
    );
  }
  return { kind: 'offsets', offsets: perPartition, topics };
}
