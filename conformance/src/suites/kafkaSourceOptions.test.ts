/**
 * The Kafka source's option checks, restated from KafkaMicroBatchSourceSuite (`bad source
 * options`, `unsupported kafka configs`, `minPartitions is supported`) and KafkaSourceProviderSuite
 * (case-insensitive option names). Spark checks these when the stream is defined (`load()`), and so
 * does Sluice; Spark's tests match words of the message, case-insensitively, which Sluice's
 * messages carry before saying what to do.
 */
import { describe, expect } from 'vitest';
import '@sluice/sources';
import { isSluiceError, readStream, type SluiceError } from '@sluice/core';
import { suite } from '../harness/scenario.ts';

const spark = suite('KafkaMicroBatchSourceSuite');
const provider = suite('KafkaSourceProviderSuite');

/** Spark's `reader.load()` with these options: the error it raises, or undefined when it loads. */
function loadError(options: Readonly<Record<string, unknown>>): SluiceError | undefined {
  try {
    readStream().format('kafka').options(options).load();
    return undefined;
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    return error;
  }
}

function expectRefused(options: Readonly<Record<string, unknown>>, ...words: string[]): SluiceError {
  const error = loadError(options);
  expect(error, `options ${JSON.stringify(options)} should be refused`).toBeDefined();
  for (const word of words) expect(error!.message.toLowerCase()).toContain(word.toLowerCase());
  return error!;
}

describe('Kafka source options', () => {
  spark.scenario('bad source options', () => {
    // Specifying an ending offset
    expectRefused({ endingOffsets: 'latest' }, 'Ending offset not valid in streaming queries');
    expectRefused({ subscribe: 't', endingOffsetsByTimestamp: '{"t": {"0": 1000}}' }, 'Ending timestamp not valid in streaming queries');
    // No strategy specified
    expectRefused({}, 'options must be specified', 'subscribe', 'subscribePattern');
    // Multiple strategies specified
    expectRefused({ subscribe: 't', subscribePattern: 't.*' }, 'only one', 'options can be specified');
    expectRefused({ subscribe: 't', assign: '{"a":[0]}' }, 'only one', 'options can be specified');
    expectRefused({ assign: '' }, 'no topicpartitions to assign');
    expectRefused({ subscribe: '' }, 'no topics to subscribe');
    expectRefused({ subscribePattern: '' }, 'pattern to subscribe is empty');
    expectRefused(
      { 'kafka.bootstrap.servers': 'fake', subscribe: 't', minOffsetsPerTrigger: '20', maxOffsetsPerTrigger: '15' },
      'value of minOffsetPerTrigger(20) is higher than the maxOffsetsPerTrigger(15)',
    );
  });

  spark.scenario('unsupported kafka configs', () => {
    const unsupported = (key: string, value = 'someValue') => {
      const error = expectRefused({ subscribe: 'topic', 'kafka.bootstrap.servers': 'somehost', [key]: value }, 'not supported');
      expect(error.code).toBe('INVALID_OPTION');
    };
    unsupported('kafka.auto.offset.reset');
    unsupported('kafka.enable.auto.commit');
    unsupported('kafka.interceptor.classes');
    unsupported('kafka.key.deserializer');
    unsupported('kafka.value.deserializer');
    unsupported('kafka.auto.offset.reset', 'none');
    unsupported('kafka.auto.offset.reset', 'someValue');
    unsupported('kafka.auto.offset.reset', 'earliest');
    unsupported('kafka.auto.offset.reset', 'latest');
  });

  spark.scenario('minPartitions is supported', () => {
    const base = { 'kafka.bootstrap.servers': 'localhost:9092', subscribe: 'topic' };
    // Spark splits a partition's range over minPartitions tasks; the rows read are the same.
    for (const minPartitions of [undefined, '1', '4']) expect(loadError({ ...base, minPartitions })).toBeUndefined();
    // Illegal values
    for (const minPartitions of ['a', '1.0', '0', '-1']) {
      expect(expectRefused({ ...base, minPartitions }, 'minPartitions').code).toBe('INVALID_OPTION');
    }
  });

  provider.scenario('micro-batch mode - options should be handled as case-insensitive', () => {
    const base = { 'kafka.bootstrap.servers': 'dummy:9092', subscribe: 'dummy' };
    const keys = ['kafkaConsumer.pollTimeoutMs', 'maxOffsetsPerTrigger', 'minOffsetsPerTrigger', 'maxTriggerDelay', 'fetchOffset.numRetries', 'fetchOffset.retryIntervalMs'];
    for (const key of keys) {
      for (const spelled of [key.toUpperCase(), key.toLowerCase()]) {
        // Spark's value 1111 is taken under either spelling…
        expect(loadError({ ...base, [spelled]: '1111' }), spelled).toBeUndefined();
        // …and the key is that option (a bad value is refused naming it), not an unknown one.
        const error = expectRefused({ ...base, [spelled]: 'not-a-number' }, key);
        expect(error.code, spelled).toBe('INVALID_OPTION');
      }
    }
  });
});
