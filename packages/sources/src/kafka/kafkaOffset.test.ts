import { describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { parseInitialOffset, partitionKey, serializeInitialOffset, toPartitionOffsets } from './kafkaOffset.ts';

describe("sources/<i>/0, the Kafka source's initial offsets", () => {
  const offsets = { t: { '0': 0, '1': 1, '2': 2 } };

  it("is written in Spark's bytes: a zero byte, v1, the JSON", () => {
    expect(serializeInitialOffset(offsets)).toBe('\u0000v1\n{"t":{"0":0,"1":1,"2":2}}');
    expect(parseInitialOffset(serializeInitialOffset(offsets), 'sources/0/0')).toEqual(offsets);
  });

  it("reads Spark 2.1.0's form (a length byte, the JSON) and an earlier Sluice's (v1, the JSON)", () => {
    const json = '{"t":{"2":2,"1":1,"0":0}}';
    expect(parseInitialOffset(String.fromCharCode(json.length) + json, 'f')).toEqual(offsets);
    expect(parseInitialOffset(`v1\n${json}`, 'f')).toEqual(offsets);
  });

  it('refuses a newer version, a missing version line and offsets of another shape, naming the file', () => {
    for (const text of ['\u0000v99999\n{"t":{"0":1}}', '\u0000v1{"t":{"0":1}}', '\u0000v1\n{"logOffset":3}', '\u0000v1\nnot json']) {
      let error: unknown;
      try {
        parseInitialOffset(text, '/ck/sources/0/0');
      } catch (e) {
        error = e;
      }
      expect(isSluiceError(error, 'CHECKPOINT_CORRUPT') || isSluiceError(error, 'CHECKPOINT_MISMATCH'), String(error)).toBe(true);
      expect(String(error)).toContain('/ck/sources/0/0');
    }
  });
});

describe('a Kafka source offset in offsets/N', () => {
  it("reads Spark 2.1.0's offset (KafkaSourceOffsetSuite :: read Spark 2.1.0 offset format)", () => {
    // connector/kafka-0-10-sql/src/test/resources/kafka-source-offset-version-2.1.0.txt, transcribed.
    const text = '{"topic1":{"0":456,"1":789},"topic2":{"0":0}}\n';
    expect(toPartitionOffsets(JSON.parse(text))).toEqual(new Map([[partitionKey('topic1', 0), 456], [partitionKey('topic1', 1), 789], [partitionKey('topic2', 0), 0]]));
  });
});
