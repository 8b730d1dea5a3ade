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

/** The Kafka source's options: Spark's names and defaults, plus `kafka.*` passed to the client. */
export const kafkaSourceOptions = defineOptions(
  'kafka',
  {
    subscribe: opt.stringList().describe('comma-separated topics to read'),
    subscribePattern: opt.nonEmptyString().describe('a regular expression; every matching topic is read, new ones included'),
    assign: opt.json('a JSON object of partitions per topic, e.g. {"topicA":[0,1]}', isAssignment).describe('exact partitions to read'),
    startingOffsets: opt.nonEmptyString().default('latest').describe('earliest, latest, or JSON {"topic":{"0":23,"1":-2}} (-2 earliest, -1 latest)'),
    startingOffsetsByTimestamp: opt.json('a JSON object of timestamps per partition, e.g. {"topic":{"0":1700000000000}}', isPerPartition),
    startingTimestamp: opt.nonNegativeInt().describe('one timestamp (ms) for every partition'),
    startingOffsetsByTimestampStrategy: opt.oneOf(['error', 'latest'] as const).default('error'),
    failOnDataLoss: opt.boolean().default(true),
    maxOffsetsPerTrigger: opt.positiveInt(),
    minOffsetsPerTrigger: opt.positiveInt(),
    maxTriggerDelay: opt.duration('ms').default(15 * 60_000),
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
  | { readonly kind: 'offsets'; readonly offsets: PerPartition }
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
  const bootstrap = passthrough['bootstrap.servers'];
  if (typeof bootstrap !== 'string' || bootstrap.trim() === '') {
    throw new SluiceError('MISSING_OPTION', "Format 'kafka' requires option 'kafka.bootstrap.servers' (host:port,host:port).", { details: { option: 'kafka.bootstrap.servers' } });
  }
  if (o.minOffsetsPerTrigger !== undefined && o.maxOffsetsPerTrigger !== undefined && o.minOffsetsPerTrigger > o.maxOffsetsPerTrigger) {
    throw new SluiceError(
      'INVALID_OPTION',
      `Option 'minOffsetsPerTrigger' (${o.minOffsetsPerTrigger}) must not exceed 'maxOffsetsPerTrigger' (${o.maxOffsetsPerTrigger}).`,
      { details: { option: 'minOffsetsPerTrigger' } },
    );
  }
  return {
    subscription: subscriptionOf(o.subscribe, o.subscribePattern, o.assign),
    startingOffsets: startingOffsetsOf(o.startingOffsets, o.startingOffsetsByTimestamp, o.startingTimestamp),
    timestampStrategy: o.startingOffsetsByTimestampStrategy,
    failOnDataLoss: o.failOnDataLoss,
    maxOffsetsPerTrigger: o.maxOffsetsPerTrigger,
    minOffsetsPerTrigger: o.minOffsetsPerTrigger,
    maxTriggerDelayMs: o.maxTriggerDelay,
    includeHeaders: o.includeHeaders,
    groupIdPrefix: o.groupIdPrefix,
    pollTimeoutMs: o['kafkaConsumer.pollTimeoutMs'],
    fetchOffsetRetries: o['fetchOffset.numRetries'],
    fetchOffsetRetryIntervalMs: o['fetchOffset.retryIntervalMs'],
    client: parseKafkaClientSettings(bootstrap, passthrough, 'source'),
  };
}

function subscriptionOf(
  subscribe: readonly string[] | undefined,
  pattern: string | undefined,
  assign: Readonly<Record<string, readonly number[]>> | undefined,
): Subscription {
  const given = [subscribe && 'subscribe', pattern && 'subscribePattern', assign && 'assign'].filter(Boolean);
  if (given.length !== 1) {
    throw new SluiceError(
      given.length === 0 ? 'MISSING_OPTION' : 'INVALID_OPTION',
      given.length === 0
        ? "One of the following options must be specified for the Kafka source: 'subscribe', 'subscribePattern', 'assign'."
        : `Only one of 'subscribe', 'subscribePattern' and 'assign' may be given for the Kafka source, got ${given.map((g) => `'${g}'`).join(' and ')}.`,
      { details: { options: given } },
    );
  }
  if (subscribe) {
    if (subscribe.length === 0) throw new SluiceError('INVALID_OPTION', "Option 'subscribe' must name at least one topic, e.g. 'events' or 'a,b'.");
    return { kind: 'subscribe', topics: [...new Set(subscribe)] };
  }
  if (pattern !== undefined) {
    try {
      // Java's Matcher.matches(): the whole topic name must match.
      return { kind: 'subscribePattern', pattern: new RegExp(`^(?:${pattern})$`), source: pattern };
    } catch (error) {
      throw new SluiceError('INVALID_OPTION', `Option 'subscribePattern' is not a valid regular expression: ${(error as Error).message}.`);
    }
  }
  if (Object.keys(assign!).length === 0 || Object.values(assign!).some((p) => p.length === 0)) {
    throw new SluiceError('INVALID_OPTION', `Option 'assign' must list at least one partition per topic, e.g. {"topicA":[0,1]}, got ${JSON.stringify(assign)}.`);
  }
  return { kind: 'assign', partitions: assign! };
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
  if (!isPerPartition(parsed) || Object.values(parsed).some((p) => Object.values(p).some((v) => v < -2))) {
    throw new SluiceError(
      'INVALID_OPTION',
      `Option 'startingOffsets' must be 'earliest', 'latest' or JSON such as {"topic":{"0":23,"1":-2}} (-2 = earliest, -1 = latest), got ${JSON.stringify(offsets)}.`,
      { details: { option: 'startingOffsets' } },
    );
  }
  return { kind: 'offsets', offsets: parsed };
}
