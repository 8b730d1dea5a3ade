import { describe, expect, test } from 'vitest';
import { sourceFormat } from '@sluice/core/connector';
import '../index.ts';
import { kafkaProvider, kafkaSource } from './kafkaSourceProvider.ts';
import { parseKafkaSourceOptions } from './options.ts';

const base = { 'kafka.bootstrap.servers': 'localhost:9092' };
const fails = (options: Record<string, unknown>) => {
  try {
    parseKafkaSourceOptions(options);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the options to be refused');
};

describe('Kafka source options', () => {
  test("Spark's defaults", () => {
    const config = parseKafkaSourceOptions({ ...base, subscribe: 'a, b' });
    expect(config).toMatchObject({
      subscription: { kind: 'subscribe', topics: ['a', 'b'] },
      startingOffsets: { kind: 'latest' },
      failOnDataLoss: true,
      maxOffsetsPerTrigger: undefined,
      maxTriggerDelayMs: 15 * 60_000,
      includeHeaders: false,
      pollTimeoutMs: 120_000,
    });
    expect(config.client.brokers).toEqual(['localhost:9092']);
  });

  test('option names are case-insensitive and values may be strings, as in Spark', () => {
    const config = parseKafkaSourceOptions({ ...base, SUBSCRIBEPATTERN: 'ev.*', maxoffsetspertrigger: '500', failOnDataLoss: 'false', maxTriggerDelay: '5 seconds' });
    expect(config.subscription).toMatchObject({ kind: 'subscribePattern', source: 'ev.*' });
    expect(config.maxOffsetsPerTrigger).toBe(500);
    expect(config.failOnDataLoss).toBe(false);
    expect(config.maxTriggerDelayMs).toBe(5_000);
  });

  test('subscribePattern must match the whole topic name (Java Matcher.matches)', () => {
    const config = parseKafkaSourceOptions({ ...base, subscribePattern: 'events-[0-9]+' });
    if (config.subscription.kind !== 'subscribePattern') throw new Error('pattern expected');
    expect(config.subscription.pattern.test('events-12')).toBe(true);
    expect(config.subscription.pattern.test('old-events-12')).toBe(false);
  });

  test('startingOffsets forms: earliest, latest, JSON with -2/-1; timestamps take precedence', () => {
    expect(parseKafkaSourceOptions({ ...base, subscribe: 't', startingOffsets: 'EARLIEST' }).startingOffsets).toEqual({ kind: 'earliest' });
    expect(parseKafkaSourceOptions({ ...base, subscribe: 't', startingOffsets: '{"t":{"0":5,"1":-2}}' }).startingOffsets).toEqual({ kind: 'offsets', offsets: { t: { 0: 5, 1: -2 } }, topics: {} });
    expect(parseKafkaSourceOptions({ ...base, subscribe: 't', startingOffsets: 'earliest', startingTimestamp: '1000' }).startingOffsets).toEqual({ kind: 'timestamp', timestampMs: 1000 });
    expect(parseKafkaSourceOptions({ ...base, subscribe: 't', startingOffsetsByTimestamp: '{"t":{"0":7}}' }).startingOffsets).toEqual({ kind: 'timestamps', timestamps: { t: { 0: 7 } } });
  });

  test.each([
    [{ subscribe: 't', startingOffsets: 'newest' }, 'INVALID_OPTION', /startingOffsets/],
    [{ subscribe: 't', startingOffsets: '{"t":{"0":-3}}' }, 'INVALID_OPTION', /-2 = earliest/],
    [{}, 'MISSING_OPTION', /subscribe, subscribePattern, assign/],
    [{ subscribe: 't', assign: '{"t":[0]}' }, 'INVALID_OPTION', /Only one of/],
    [{ subscribePattern: '(' }, 'INVALID_OPTION', /regular expression/],
    [{ assign: '{"t":"0"}' }, 'INVALID_OPTION', /assign/],
    [{ subscribe: 't', subscrbe: 'x' }, 'UNKNOWN_OPTION', /Did you mean 'subscribe'/],
    [{ subscribe: 't', maxOffsetsPerTrigger: 0 }, 'INVALID_OPTION', /maxOffsetsPerTrigger/],
    [{ subscribe: 't', maxOffsetsPerTrigger: 10, minOffsetsPerTrigger: 20 }, 'INVALID_OPTION', /higher than the maxOffsetsPerTrigger\(10\)/],
    [{ subscribe: 't', 'kafka.auto.offset.reset': 'earliest' }, 'INVALID_OPTION', /use the 'startingOffsets' option/],
    [{ subscribe: 't', 'kafka.enable.auto.commit': 'true' }, 'INVALID_OPTION', /never commits offsets/],
    [{ subscribe: 't', 'kafka.fetch.max.wait': '10' }, 'UNKNOWN_OPTION', /Did you mean 'kafka.fetch.max.wait.ms'/],
    [{ subscribe: 't', 'kafka.acks': 'all' }, 'UNKNOWN_OPTION', /consumer setting/],
    [{ subscribe: 't', 'kafka.security.protocol': 'TLS' }, 'INVALID_OPTION', /PLAINTEXT, SSL/],
    [{ subscribe: 't', 'kafka.ssl.ca.location': '/nonexistent/ca.pem' }, 'INVALID_OPTION', /cannot be read/],
  ])('refuses %j with %s', (options, code, message) => {
    const error = fails({ ...base, ...options });
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  test("Java client tuning settings Spark's tests pass are checked and accepted (metadata.max.age.ms, default.api.timeout.ms, …)", () => {
    expect(() => parseKafkaSourceOptions({ ...base, subscribe: 't', 'kafka.metadata.max.age.ms': '1', 'kafka.default.api.timeout.ms': '3000', 'kafka.retry.backoff.ms': 50 })).not.toThrow();
    expect(fails({ ...base, subscribe: 't', 'kafka.metadata.max.age.ms': 'soon' })).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/kafka.metadata.max.age.ms/) });
  });

  test("Spark's option refusals come in Spark's order and words: ending offsets, then the subscription, then the rest", () => {
    expect(fails({ endingOffsets: 'latest' }).message).toMatch(/\] Ending offset not valid in streaming queries/);
    expect(fails({ subscribe: '' }).message).toMatch(/\] No topics to subscribe to/);
    // Spark's tests pass Long.MaxValue: no limit, held at the largest safe integer.
    expect(parseKafkaSourceOptions({ ...base, subscribe: 't', maxOffsetsPerTrigger: '9223372036854775807' }).maxOffsetsPerTrigger).toBe(Number.MAX_SAFE_INTEGER);
    expect(fails({ ...base, subscribe: 't', maxOffsetsPerTrigger: '1.5' }).code).toBe('INVALID_OPTION');
  });

  test("kafka.isolation.level: read_committed (the default) or read_uncommitted, as Spark passes it to the Java consumer", () => {
    expect(parseKafkaSourceOptions({ ...base, subscribe: 't' }).client.consumer.isolationLevel).toBe(1);
    expect(parseKafkaSourceOptions({ ...base, subscribe: 't', 'kafka.isolation.level': 'read_uncommitted' }).client.consumer.isolationLevel).toBe(0);
    expect(parseKafkaSourceOptions({ ...base, subscribe: 't', 'kafka.isolation.level': 'READ_COMMITTED' }).client.consumer.isolationLevel).toBe(1);
    expect(fails({ ...base, subscribe: 't', 'kafka.isolation.level': 'serializable' }).code).toBe('INVALID_OPTION');
  });

  test('kafka.bootstrap.servers is required and must name ports', () => {
    expect(fails({ subscribe: 't' })).toMatchObject({ code: 'MISSING_OPTION' });
    expect(fails({ subscribe: 't', 'kafka.bootstrap.servers': 'localhost' }).message).toMatch(/'localhost' has no port/);
  });

  test('Java client settings map onto the client: TLS, SASL from a JAAS line, timeouts, group id', () => {
    const config = parseKafkaSourceOptions({
      ...base,
      subscribe: 't',
      'kafka.security.protocol': 'SASL_SSL',
      'kafka.sasl.mechanism': 'SCRAM-SHA-512',
      'kafka.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cr3t-pw";',
      'kafka.request.timeout.ms': '5000',
      'kafka.group.id': 'fixed',
      'kafka.client.id': 'my-app',
    });
    expect(config.client).toMatchObject({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 's3cr3t-pw' },
      requestTimeoutMs: 5000,
      groupId: 'fixed',
      clientId: 'my-app',
    });
  });

  test('secrets never appear in errors or in the options shown by explain/progress', () => {
    const secret = 'hunter2-very-secret';
    const options = {
      ...base,
      subscribe: 't',
      'kafka.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="bob" password="${secret}";`,
      'kafka.ssl': { key: '-----BEGIN PRIVATE KEY-----abcdef', cert: 'cert' },
    };
    const provider = kafkaProvider(options);
    expect(JSON.stringify(provider.options)).not.toContain(secret);
    expect(JSON.stringify(provider.options)).not.toContain('BEGIN PRIVATE KEY');
    const error = fails({ ...options, 'kafka.sasl.password': secret, 'kafka.ssl.key.password': 7 });
    expect(error.message).not.toContain(secret);
    const bad = fails({ ...base, subscribe: 't', 'kafka.sasl.jaas.config': `no creds but ${secret}` });
    expect(bad.message).not.toContain(secret);
  });

  test("format('kafka') is registered and refuses a user schema (the schema is fixed)", () => {
    const format = sourceFormat('kafka');
    expect(format.createSource({ options: { ...base, subscribe: 't' } }).schema.fields.map((f) => f.name)).toEqual([
      'key', 'value', 'topic', 'partition', 'offset', 'timestamp', 'timestampType',
    ]);
    expect(() => format.createSource({ options: { ...base, subscribe: 't' }, userSchema: kafkaSource({ ...base, subscribe: 't' }).schema })).toThrow(/fixed schema/);
  });
});
