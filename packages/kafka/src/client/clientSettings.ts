import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { closestName, registerSecret } from '@sluice/core/connector';
import { SluiceError } from '@sluice/core';
import type { KafkaCompression } from '../codecs/codec.ts';

/** SASL credentials as kafkajs takes them (PLAIN and SCRAM). */
export interface SaslSettings {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

/**
 * Everything needed to reach a cluster, parsed from `kafka.bootstrap.servers` and the `kafka.*`
 * passthrough options. Both the source and the sink build their client from this.
 */
export interface KafkaClientSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: ConnectionOptions | boolean;
  readonly sasl: SaslSettings | undefined;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** `kafka.group.id`: accepted as Spark does, but the reader fetches by partition and joins no group. */
  readonly groupId: string | undefined;
  readonly consumer: {
    /** Kept for options written for a group consumer; the reader joins no group. */
    readonly sessionTimeoutMs: number;
    readonly heartbeatIntervalMs: number;
    readonly maxBytesPerPartition: number;
    readonly maxBytes: number;
    readonly minBytes: number;
    readonly maxWaitTimeMs: number;
    /**
     * `isolation.level`: 1 read_committed (Sluice's default), 0 read_uncommitted. Offsets are
     * looked up and records fetched at this level: read_uncommitted reads up to the high
     * watermark, records of open and aborted transactions included.
     */
    readonly isolationLevel: 0 | 1;
  };
  readonly producer: {
    /** -1 = all in-sync replicas (the default, as Spark's producer), 0 or 1. */
    readonly acks: -1 | 0 | 1;
    readonly deliveryTimeoutMs: number;
    /** `compression.type`: how record batches are compressed (default none, as Java's producer). */
    readonly compression: KafkaCompression;
    /** `batch.size`: the most bytes of records one batch of a partition holds (default 16384, Java's). */
    readonly batchSize: number;
    /**
     * `linger.ms`: accepted and kept, with no effect on when records leave — as in Spark, whose
     * writer flushes the producer at the end of every task: the sink hands over a whole
     * micro-batch, so no batch waits for more records.
     */
    readonly lingerMs: number;
    /** `enable.idempotence`: producer id and sequence numbers on every batch (needs acks=all). */
    readonly idempotence: boolean;
    /** `max.request.size`: the most bytes of record batches in one Produce request (default 1 MiB). */
    readonly maxRequestSize: number;
  };
}

type Role = 'source' | 'sink';
type Setter = (draft: Draft, value: unknown, key: string) => void;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Omit<Mutable<KafkaClientSettings>, 'consumer' | 'producer'> & {
  consumer: Mutable<KafkaClientSettings['consumer']>;
  producer: Mutable<KafkaClientSettings['producer']>;
};

/** Kafka settings Spark refuses because the source/sink manages them itself. */
const FORBIDDEN: Record<string, string> = {
  'auto.offset.reset': "offsets are managed by Sluice: use the 'startingOffsets' option instead",
  'enable.auto.commit': 'Sluice never commits offsets to Kafka: the checkpoint is the source of truth',
  'key.deserializer': 'keys are always read as binary: cast or parse the key column instead',
  'value.deserializer': 'values are always read as binary: use fromJson or a cast on the value column instead',
  'key.serializer': "keys are written as given: put a string or binary 'key' column in the output",
  'value.serializer': "values are written as given: put a string or binary 'value' column in the output",
  'interceptor.classes': 'interceptors are a Java client feature',
};

const SECRET_KEYS = new Set(['sasl', 'sasl.jaas.config', 'sasl.password', 'ssl', 'ssl.key.password']);

const COMMON: Record<string, Setter> = {
  'client.id': (d, v, k) => (d.clientId = text(v, k)),
  clientId: (d, v, k) => (d.clientId = text(v, k)),
  'security.protocol': (d, v, k) => {
    const protocol = text(v, k).toUpperCase();
    if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) invalid(k, 'one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL', v);
    if (protocol.endsWith('SSL') && d.ssl === false) d.ssl = true;
    if (!protocol.endsWith('SSL')) d.ssl = false;
  },
  ssl: (d, v, k) => {
    if (typeof v === 'boolean') d.ssl = v;
    else if (typeof v === 'string' && /^(true|false)$/i.test(v)) d.ssl = v.toLowerCase() === 'true';
    else if (v !== null && typeof v === 'object') d.ssl = v as ConnectionOptions;
    else invalid(k, 'true, false or Node TLS options', v);
  },
  'ssl.ca.location': (d, v, k) => (d.ssl = { ...tlsOptions(d), ca: readPem(v, k) }),
  'ssl.certificate.location': (d, v, k) => (d.ssl = { ...tlsOptions(d), cert: readPem(v, k) }),
  'ssl.key.location': (d, v, k) => (d.ssl = { ...tlsOptions(d), key: readPem(v, k) }),
  'ssl.key.password': (d, v, k) => (d.ssl = { ...tlsOptions(d), passphrase: text(v, k) }),
  'ssl.endpoint.identification.algorithm': (d, v, k) => {
    // Java's way of turning off host-name verification is an empty value.
    if (text(v, k, true) === '') d.ssl = { ...tlsOptions(d), checkServerIdentity: () => undefined };
  },
  'sasl.mechanism': (d, v, k) => {
    const mechanism = text(v, k).toLowerCase();
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') invalid(k, 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512', '(other)');
    d.sasl = { username: '', password: '', ...d.sasl, mechanism };
  },
  'sasl.username': (d, v, k) => (d.sasl = { mechanism: 'plain', password: '', ...d.sasl, username: text(v, k) }),
  'sasl.password': (d, v, k) => (d.sasl = { mechanism: 'plain', username: '', ...d.sasl, password: text(v, k) }),
  'sasl.jaas.config': (d, v, k) => {
    const config = text(v, k);
    const username = /username\s*=\s*"([^"]*)"/.exec(config)?.[1];
    const password = /password\s*=\s*"([^"]*)"/.exec(config)?.[1];
    if (username === undefined || password === undefined) invalid(k, 'a JAAS line with username="…" and password="…" (PlainLoginModule or ScramLoginModule)', '(redacted)');
    const mechanism = /ScramLoginModule/.test(config) ? 'scram-sha-256' : 'plain';
    d.sasl = { mechanism: d.sasl?.mechanism ?? mechanism, username, password };
  },
  sasl: (d, v, k) => {
    const sasl = v as Partial<SaslSettings> | null;
    if (!sasl || typeof sasl !== 'object' || typeof sasl.username !== 'string' || typeof sasl.password !== 'string') {
      invalid(k, "an object { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }", '(redacted)');
    }
    d.sasl = { mechanism: (sasl.mechanism ?? 'plain').toLowerCase() as SaslSettings['mechanism'], username: sasl.username, password: sasl.password };
  },
  'request.timeout.ms': (d, v, k) => (d.requestTimeoutMs = nonNegative(v, k)),
  requestTimeout: (d, v, k) => (d.requestTimeoutMs = nonNegative(v, k)),
  'socket.connection.setup.timeout.ms': (d, v, k) => (d.connectionTimeoutMs = nonNegative(v, k)),
  connectionTimeout: (d, v, k) => (d.connectionTimeoutMs = nonNegative(v, k)),
};

const SOURCE: Record<string, Setter> = {
  'group.id': (d, v, k) => (d.groupId = text(v, k)),
  'session.timeout.ms': (d, v, k) => (d.consumer.sessionTimeoutMs = nonNegative(v, k)),
  'heartbeat.interval.ms': (d, v, k) => (d.consumer.heartbeatIntervalMs = nonNegative(v, k)),
  'max.partition.fetch.bytes': (d, v, k) => (d.consumer.maxBytesPerPartition = nonNegative(v, k)),
  'fetch.max.bytes': (d, v, k) => (d.consumer.maxBytes = nonNegative(v, k)),
  'fetch.min.bytes': (d, v, k) => (d.consumer.minBytes = nonNegative(v, k)),
  'fetch.max.wait.ms': (d, v, k) => (d.consumer.maxWaitTimeMs = nonNegative(v, k)),
  'isolation.level': (d, v, k) => {
    const level = text(v, k).toLowerCase();
    if (level !== 'read_committed' && level !== 'read_uncommitted') invalid(k, "'read_committed' or 'read_uncommitted'", v);
    d.consumer.isolationLevel = level === 'read_committed' ? 1 : 0;
  },
};

const SINK: Record<string, Setter> = {
  acks: (d, v, k) => {
    const acks = text(String(v), k).toLowerCase();
    const parsed = acks === 'all' ? -1 : Number(acks);
    if (parsed !== -1 && parsed !== 0 && parsed !== 1) invalid(k, "'all', -1, 0 or 1", v);
    d.producer.acks = parsed as -1 | 0 | 1;
  },
  'delivery.timeout.ms': (d, v, k) => (d.producer.deliveryTimeoutMs = nonNegative(v, k)),
  'compression.type': (d, v, k) => {
    const type = text(String(v), k).toLowerCase();
    if (!(COMPRESSIONS as readonly string[]).includes(type)) invalid(k, COMPRESSIONS.join(', '), v);
    d.producer.compression = type as KafkaCompression;
  },
  'batch.size': (d, v, k) => (d.producer.batchSize = nonNegative(v, k)),
  'linger.ms': (d, v, k) => (d.producer.lingerMs = nonNegative(v, k)),
  'max.request.size': (d, v, k) => (d.producer.maxRequestSize = nonNegative(v, k)),
  'enable.idempotence': (d, v, k) => {
    const flag = String(v).toLowerCase();
    if (flag !== 'true' && flag !== 'false') invalid(k, 'true or false', v);
    d.producer.idempotence = flag === 'true';
  },
};

/**
 * Java client settings Spark's own tests and jobs commonly pass, which tune how the Java client
 * waits, retries and refreshes metadata. Sluice's client does these its own way (metadata is
 * looked up at every trigger that needs it, retries follow `fetchOffset.*` and
 * `kafka.delivery.timeout.ms`), so they are checked as numbers and accepted: refusing them
 * would fail a Spark job over a setting that cannot change its answer.
 */
const TUNING_ONLY = ['metadata.max.age.ms', 'default.api.timeout.ms', 'max.block.ms', 'retry.backoff.ms', 'reconnect.backoff.ms', 'reconnect.backoff.max.ms', 'connections.max.idle.ms', 'buffer.memory', 'retries'];
const TOLERATED: Record<string, Setter> = Object.fromEntries(TUNING_ONLY.map((name) => [name, (_d: Draft, v: unknown, k: string) => void nonNegative(v, k)]));

const COMPRESSIONS: readonly KafkaCompression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/**
 * Client settings from the bootstrap servers and the `kafka.*` options (prefix removed). Java
 * client names (`security.protocol`, `sasl.jaas.config`, `request.timeout.ms` …), librdkafka
 * names for PEM files (`ssl.ca.location` …) and kafkajs names (`clientId`, `ssl`, `sasl`) are
 * understood; keys Sluice manages itself, or cannot honour, are refused with the reason —
 * a Kafka setting is never silently ignored. Secret values are registered for redaction.
 */
export function parseKafkaClientSettings(bootstrapServers: string, params: Readonly<Record<string, unknown>>, role: Role): KafkaClientSettings {
  // Settings Sluice refuses come first, as Spark checks them before any client exists.
  for (const rawKey of Object.keys(params)) {
    const reason = FORBIDDEN[rawKey.toLowerCase()];
    if (reason && params[rawKey] !== undefined) {
      throw new SluiceError('INVALID_OPTION', `Kafka option '${rawKey.toLowerCase()}' is not supported: ${reason}. Remove option 'kafka.${rawKey}'.`, { details: { option: `kafka.${rawKey}` } });
    }
  }
  const draft: Draft = {
    brokers: parseBrokers(bootstrapServers),
    clientId: role === 'source' ? 'sluice-kafka-source' : 'sluice-kafka-sink',
    ssl: false,
    sasl: undefined,
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 30_000,
    groupId: undefined,
    consumer: { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000, maxBytesPerPartition: 1_048_576, maxBytes: 52_428_800, minBytes: 1, maxWaitTimeMs: 500, isolationLevel: 1 },
    producer: { acks: -1, deliveryTimeoutMs: 120_000, compression: 'none', batchSize: 16_384, lingerMs: 0, idempotence: false, maxRequestSize: 1_048_576 },
  };
  const setters: Record<string, Setter> = { ...COMMON, ...TOLERATED, ...(role === 'source' ? SOURCE : SINK) };
  const byLowerName = new Map(Object.keys(setters).map((name) => [name.toLowerCase(), setters[name]!]));
  for (const [rawKey, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const key = rawKey.toLowerCase();
    if (SECRET_KEYS.has(key)) registerSecrets(value);
    if (key === 'bootstrap.servers') continue;
    const set = byLowerName.get(key);
    if (!set) throw unknownSetting(rawKey, Object.keys(setters), role);
    set(draft, value, `kafka.${rawKey}`);
  }
  if (draft.producer.idempotence && draft.producer.acks !== -1) {
    throw new SluiceError('INVALID_OPTION', "'kafka.enable.idempotence' needs 'kafka.acks' = all (as Java's producer requires): set acks to all, or idempotence to false.", { details: { option: 'kafka.enable.idempotence' } });
  }
  if (draft.sasl && (draft.sasl.username === '' || draft.sasl.password === '')) {
    throw new SluiceError('MISSING_OPTION', "SASL needs both a user name and a password: set 'kafka.sasl.jaas.config', or 'kafka.sasl.username' and 'kafka.sasl.password'.");
  }
  return draft;
}

/** `host:port,host:port` → hosts; each must name a port. */
export function parseBrokers(bootstrapServers: string): string[] {
  const brokers = bootstrapServers.split(',').map((b) => b.trim()).filter((b) => b !== '');
  const bad = brokers.find((b) => !/^(\[[0-9a-f:.]+\]|[^\s:/]+):\d{1,5}$/i.test(b));
  if (brokers.length === 0 || bad !== undefined) {
    throw new SluiceError(
      'INVALID_OPTION',
      `Option 'kafka.bootstrap.servers' must be a comma-separated list of host:port, got '${bootstrapServers}'${bad ? ` ('${bad}' has no port)` : ''}.`,
      { details: { option: 'kafka.bootstrap.servers' } },
    );
  }
  return brokers;
}

function unknownSetting(key: string, known: string[], role: Role): SluiceError {
  const suggestion = closestName(key, known);
  return new SluiceError(
    'UNKNOWN_OPTION',
    `Unknown Kafka ${role === 'source' ? 'consumer' : 'producer'} setting 'kafka.${key}'.${suggestion ? ` Did you mean 'kafka.${suggestion}'?` : ''} ` +
      `Supported: ${known.map((k) => `kafka.${k}`).join(', ')}.`,
    { details: { option: `kafka.${key}`, valid: known } },
  );
}

function registerSecrets(value: unknown): void {
  if (typeof value === 'string') registerSecret(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) registerSecrets(v);
}

function tlsOptions(draft: Draft): ConnectionOptions {
  return typeof draft.ssl === 'object' ? draft.ssl : {};
}

function text(value: unknown, key: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) invalid(key, 'a non-empty string', value);
  return value;
}

function nonNegative(value: unknown, key: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) invalid(key, 'a non-negative integer', value);
  return n;
}

function readPem(value: unknown, key: string): string {
  const path = text(value, key);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new SluiceError('INVALID_OPTION', `Option '${key}' names '${path}', which cannot be read: ${(error as Error).message}`, { details: { option: key } });
  }
}

function invalid(key: string, expected: string, value: unknown): never {
  const shown = SECRET_KEYS.has(key.replace(/^kafka\./, '').toLowerCase()) ? '***' : JSON.stringify(value) ?? String(value);
  throw new SluiceError('INVALID_OPTION', `Option '${key}' must be ${expected}, got ${shown}.`, { details: { option: key } });
}

export { FORBIDDEN as FORBIDDEN_KAFKA_SETTINGS };
