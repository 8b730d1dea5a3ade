import { expect } from 'vitest';
import { count, groupBy, processingTime, progressToJson, statusToJson, type StreamingQueryProgress } from '@sluice/core';
import { intStream } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, advanceManualClock, execute, stopStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingQueryStatusAndProgressSuite.scala.
const spark = suite('StreamingQueryStatusAndProgressSuite');

const ID = 'ce011fdc-8762-4dcb-84eb-a77333e28109';
const RUN = '88e2ff94-ede0-45a8-b687-6316fbef529a';
const TS = '2016-12-05T20:54:20.827Z';

/** Spark's testProgress1 (its observedMetrics left out: Sluice has no `observe`). Rates that are infinite are absent, as Spark omits them. */
const progress1 = {
  id: ID, runId: RUN, name: 'myName', timestamp: TS, batchId: 2, batchDuration: 0, numInputRows: 678, inputRowsPerSecond: 10,
  durationMs: { total: 0 },
  eventTime: { avg: TS, max: TS, min: TS, watermark: TS },
  stateOperators: [{
    operatorName: 'op1', numRowsTotal: 0, numRowsUpdated: 1, allUpdatesTimeMs: 1, numRowsRemoved: 2, allRemovalsTimeMs: 34, commitTimeMs: 23,
    memoryUsedBytes: 3, numRowsDroppedByWatermark: 0, numShufflePartitions: 2, numStateStoreInstances: 2,
    customMetrics: { loadedMapCacheHitCount: 1, loadedMapCacheMissCount: 0, stateOnCurrentVersionSizeBytes: 2 },
  }],
  sources: [{ description: 'source', startOffset: 123, endOffset: 456, latestOffset: 789, numInputRows: 678, inputRowsPerSecond: 10, processedRowsPerSecond: Number.POSITIVE_INFINITY }],
  sink: { description: 'sink', numOutputRows: -1 },
} as unknown as StreamingQueryProgress;

/** Spark's testProgress2: no name, an empty eventTime, NaN and -Infinity rates. */
const progress2 = {
  id: ID, runId: RUN, name: null, timestamp: TS, batchId: 2, batchDuration: 0, numInputRows: 678,
  durationMs: { total: 0 },
  stateOperators: [{
    operatorName: 'op2', numRowsTotal: 0, numRowsUpdated: 1, allUpdatesTimeMs: 1, numRowsRemoved: 2, allRemovalsTimeMs: 34, commitTimeMs: 23,
    memoryUsedBytes: 2, numRowsDroppedByWatermark: 0, numShufflePartitions: 2, numStateStoreInstances: 2,
  }],
  sources: [{ description: 'source', startOffset: 123, endOffset: 456, latestOffset: 789, numInputRows: 678, inputRowsPerSecond: Number.NaN, processedRowsPerSecond: Number.NEGATIVE_INFINITY }],
  sink: { description: 'sink', numOutputRows: -1 },
} as unknown as StreamingQueryProgress;

const lines = (...text: string[]) => text.join('\n');
const STATE_OP = (name: string, memory: number) => [
  `    "operatorName" : "${name}",`, '    "numRowsTotal" : 0,', '    "numRowsUpdated" : 1,', '    "allUpdatesTimeMs" : 1,', '    "numRowsRemoved" : 2,',
  '    "allRemovalsTimeMs" : 34,', '    "commitTimeMs" : 23,', `    "memoryUsedBytes" : ${memory},`, '    "numRowsDroppedByWatermark" : 0,', '    "numShufflePartitions" : 2,',
];

spark.scenario('StreamingQueryProgress - prettyJson', () => {
  expect(progressToJson(progress1)).toBe(lines(
    '{', `  "id" : "${ID}",`, `  "runId" : "${RUN}",`, '  "name" : "myName",', `  "timestamp" : "${TS}",`, '  "batchId" : 2,', '  "batchDuration" : 0,',
    '  "numInputRows" : 678,', '  "inputRowsPerSecond" : 10.0,', '  "durationMs" : {', '    "total" : 0', '  },',
    '  "eventTime" : {', `    "avg" : "${TS}",`, `    "max" : "${TS}",`, `    "min" : "${TS}",`, `    "watermark" : "${TS}"`, '  },',
    '  "stateOperators" : [ {', ...STATE_OP('op1', 3), '    "numStateStoreInstances" : 2,', '    "customMetrics" : {', '      "loadedMapCacheHitCount" : 1,',
    '      "loadedMapCacheMissCount" : 0,', '      "stateOnCurrentVersionSizeBytes" : 2', '    }', '  } ],',
    '  "sources" : [ {', '    "description" : "source",', '    "startOffset" : 123,', '    "endOffset" : 456,', '    "latestOffset" : 789,', '    "numInputRows" : 678,',
    '    "inputRowsPerSecond" : 10.0', '  } ],', '  "sink" : {', '    "description" : "sink",', '    "numOutputRows" : -1', '  }', '}'));
  expect(progressToJson(progress2)).toBe(lines(
    '{', `  "id" : "${ID}",`, `  "runId" : "${RUN}",`, '  "name" : null,', `  "timestamp" : "${TS}",`, '  "batchId" : 2,', '  "batchDuration" : 0,',
    '  "numInputRows" : 678,', '  "durationMs" : {', '    "total" : 0', '  },',
    '  "stateOperators" : [ {', ...STATE_OP('op2', 2), '    "numStateStoreInstances" : 2', '  } ],',
    '  "sources" : [ {', '    "description" : "source",', '    "startOffset" : 123,', '    "endOffset" : 456,', '    "latestOffset" : 789,', '    "numInputRows" : 678', '  } ],',
    '  "sink" : {', '    "description" : "sink",', '    "numOutputRows" : -1', '  }', '}'));
});

spark.scenario('StreamingQueryProgress - json', () => {
  for (const progress of [progress1, progress2]) {
    const json = progressToJson(progress, { pretty: false });
    expect(json).not.toContain('\n');
    expect(JSON.parse(json)).toEqual(JSON.parse(progressToJson(progress)));
  }
});

const status = { message: 'active', isDataAvailable: true, isTriggerActive: false };

spark.scenario('StreamingQueryStatus - prettyJson', () => {
  expect(statusToJson(status)).toBe(lines('{', '  "message" : "active",', '  "isDataAvailable" : true,', '  "isTriggerActive" : false', '}'));
});

spark.scenario('StreamingQueryStatus - json', () => {
  expect(statusToJson(status, { pretty: false })).toBe('{"message":"active","isDataAvailable":true,"isTriggerActive":false}');
});

spark.scenario('progress classes should be Serializable', async () => {
  const input = intStream();
  await testStream(input.frame.pipe(groupBy('value').agg(count())), { outputMode: 'complete' },
    addData(input, 1, 2, 3),
    execute(async ({ query, processAllAvailable }) => {
      await processAllAvailable();
      const progress = query.recentProgress;
      expect(progress.some((p) => p.sources.length >= 1 && p.stateOperators.length >= 1 && p.sink !== null)).toBe(true);
      // Plain data: a structured clone (what crosses a worker or a process) is equal and equally printed.
      for (const p of progress) {
        const copy = structuredClone(p);
        expect(copy).not.toBe(p);
        expect(progressToJson(copy, { pretty: false })).toBe(progressToJson(p, { pretty: false }));
      }
    }));
});

spark.scenario('SPARK-19378: Continue reporting stateOp metrics even if there is no active trigger', async () => {
  const input = intStream();
  await testStream(input.frame.pipe(groupBy('value').agg(count())), { outputMode: 'complete', configure: (w) => w.option('spark.sql.streaming.noDataProgressEventInterval', 10) },
    addData(input, 1, 2),
    execute(async ({ query, processAllAvailable, scheduler }) => {
      await processAllAvailable();
      const progress = query.lastProgress!;
      expect(progress.stateOperators.length).toBeGreaterThan(0);
      await scheduler.advanceBy(50);
      const next = query.lastProgress!;
      expect(next.timestamp).not.toBe(progress.timestamp);
      expect(next.numInputRows).toBe(0);
      expect(next.stateOperators[0]).toMatchObject({ numRowsTotal: 2, numRowsUpdated: 0 });
      expect(next.sink.numOutputRows).toBe(0);
    }));
});

spark.scenario('SPARK-29973: Make `processedRowsPerSecond` calculated more accurately and meaningfully', async () => {
  const input = intStream();
  await testStream(input.frame, { trigger: processingTime(1000) },
    advanceManualClock(1000),
    execute(({ query }) => {
      expect(query.lastProgress!.numInputRows).toBe(0);
      expect(query.lastProgress!.processedRowsPerSecond).toBe(0);
    }),
    addData(input, 1, 2), advanceManualClock(1000),
    execute(({ query }) => {
      expect(query.lastProgress!.numInputRows).toBe(2);
      expect(query.lastProgress!.processedRowsPerSecond).toBe(2000);
    }),
    stopStream);
});

spark.scenario('SPARK-53491: inputRowsPerSecond and processedRowsPerSecond should never be with scientific notation', () => {
  const progress4 = { ...progress1, sources: [{ ...progress1.sources[0]!, inputRowsPerSecond: 6.923076923076923e8, processedRowsPerSecond: 2.923076923076923e8 }] } as StreamingQueryProgress;
  const json = JSON.parse(progressToJson(progress4, { pretty: false })) as { sources: { inputRowsPerSecond: number; processedRowsPerSecond: number }[] };
  const text = progressToJson(progress4, { pretty: false });
  expect(text).toContain('"inputRowsPerSecond":692307692.3');
  expect(text).toContain('"processedRowsPerSecond":292307692.3');
  expect(text).not.toMatch(/RowsPerSecond":[\d.]+E/);
  expect(json.sources[0]!.inputRowsPerSecond).toBeCloseTo(692307692.3, 6);
});

spark.scenario('SPARK-53690: avgOffsetsBehindLatest should never be in scientific notation', () => {
  const id = '5b2c4e1e-1a59-4f0e-8f6a-2f0b6c3e9d11';
  const runId = '0c6b7d7a-7f1f-4d55-9a63-3b1f0b8a2e44';
  const offset = (n: number) => ({ bigdata_omsTrade_cdc: { '0': n } });
  const progress5 = {
    id, runId, name: 'KafkaMetricsTest', timestamp: '2025-09-23T06:00:00.000Z', batchId: 1250, batchDuration: 111255, numInputRows: 800000,
    inputRowsPerSecond: 75291.2831516931, processedRowsPerSecond: 71906.88058963642,
    durationMs: { addBatch: 110481, commitBatch: 410, commitOffsets: 107, getBatch: 0, latestOffset: 2, queryPlanning: 179, triggerExecution: 111255, walCommit: 74 },
    stateOperators: [],
    sources: [{
      description: 'KafkaV2[Subscribe[bigdata_omsTrade_cdc]]', startOffset: offset(18424809459), endOffset: offset(18432809459), latestOffset: offset(18703750728),
      numInputRows: 800000, inputRowsPerSecond: 75291.2831516931, processedRowsPerSecond: 71906.88058963642,
      metrics: { avgOffsetsBehindLatest: '2.70941269E8', maxOffsetsBehindLatest: '270941269', minOffsetsBehindLatest: '270941269' },
    }],
    sink: { description: 'DeltaSink[s3://<masked-storage>/delta-source]', numOutputRows: -1 },
  } as unknown as StreamingQueryProgress;
  const nested = (n: number, indent: string) => [`{`, `${indent}  "bigdata_omsTrade_cdc" : {`, `${indent}    "0" : ${n}`, `${indent}  }`, `${indent}}`].join('\n');
  expect(progressToJson(progress5)).toBe(lines(
    '{', `  "id" : "${id}",`, `  "runId" : "${runId}",`, '  "name" : "KafkaMetricsTest",', '  "timestamp" : "2025-09-23T06:00:00.000Z",', '  "batchId" : 1250,',
    '  "batchDuration" : 111255,', '  "numInputRows" : 800000,', '  "inputRowsPerSecond" : 75291.3,', '  "processedRowsPerSecond" : 71906.9,', '  "durationMs" : {',
    '    "addBatch" : 110481,', '    "commitBatch" : 410,', '    "commitOffsets" : 107,', '    "getBatch" : 0,', '    "latestOffset" : 2,', '    "queryPlanning" : 179,',
    '    "triggerExecution" : 111255,', '    "walCommit" : 74', '  },', '  "stateOperators" : [ ],', '  "sources" : [ {',
    '    "description" : "KafkaV2[Subscribe[bigdata_omsTrade_cdc]]",', `    "startOffset" : ${nested(18424809459, '    ')},`, `    "endOffset" : ${nested(18432809459, '    ')},`,
    `    "latestOffset" : ${nested(18703750728, '    ')},`, '    "numInputRows" : 800000,', '    "inputRowsPerSecond" : 75291.3,', '    "processedRowsPerSecond" : 71906.9,',
    '    "metrics" : {', '      "avgOffsetsBehindLatest" : "270941269.0",', '      "maxOffsetsBehindLatest" : "270941269",', '      "minOffsetsBehindLatest" : "270941269"', '    }',
    '  } ],', '  "sink" : {', '    "description" : "DeltaSink[s3://<masked-storage>/delta-source]",', '    "numOutputRows" : -1', '  }', '}'));
});
