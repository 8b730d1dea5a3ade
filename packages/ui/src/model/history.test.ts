import { describe, expect, it } from 'vitest';
import type { StreamingQueryProgress } from '@sluice/core';
import { History } from './history.ts';
import { progressRow } from './progressRow.ts';

const progress = (batchId: number, extra: Partial<StreamingQueryProgress> = {}): StreamingQueryProgress => ({
  id: 'q', runId: 'r', name: 'n', timestamp: new Date(1_700_000_000_000 + batchId * 1000).toISOString(), batchId, batchDuration: 10 + batchId, numInputRows: batchId,
  inputRowsPerSecond: 5, durationMs: { addBatch: 3, getBatch: 2, triggerExecution: 10 }, stateOperators: [], sink: { description: 's', numOutputRows: 0 },
  sources: [
    { description: 'KafkaV2[Subscribe[events]]', startOffset: null, endOffset: null, latestOffset: null, numInputRows: 1, metrics: { avgOffsetsBehindLatest: '1.5', maxOffsetsBehindLatest: String(100 - batchId), minOffsetsBehindLatest: '0' } },
    { description: 'FileStreamSource[/in]', startOffset: null, endOffset: null, latestOffset: null, numInputRows: 1, metrics: { numFilesOutstanding: '3', numBytesOutstanding: '4096' } },
  ],
  ...extra,
});

describe('History', () => {
  it('draws a lag series per source (Kafka offsets behind, files outstanding) and no state charts for a stateless query', () => {
    const history = new History(100);
    for (let i = 0; i < 5; i++) history.push(progressRow(progress(i)));
    const charts = history.charts(1000);
    expect(charts.map((c) => c.id)).toEqual(['inputRate', 'processRate', 'inputRows', 'batchDuration', 'operationDuration', 'sourceLag']);
    const lag = charts.find((c) => c.id === 'sourceLag')!;
    expect(lag.series).toEqual(['lag.0', 'lag.1']);
    expect(lag.y).toEqual([[100, 99, 98, 97, 96], [3, 3, 3, 3, 3]]);
  });

  it('sums state over operators and measures the watermark gap from the batch time', () => {
    const history = new History(100);
    const op = (total: number) => ({ operatorName: 'stateStoreSave', numRowsTotal: total, numRowsUpdated: 1, numRowsRemoved: 0, memoryUsedBytes: 100, numRowsDroppedByWatermark: 2 });
    const p = progress(3, { stateOperators: [op(10), op(5)], eventTime: { watermark: new Date(1_700_000_000_000).toISOString() } });
    const row = progressRow(p);
    expect(row['stateRowsTotal']).toBe(15);
    expect(row['stateRowsDroppedByWatermark']).toBe(4);
    expect(row['stateMemoryBytes']).toBe(200);
    expect(row['watermarkGap']).toBe(3000);
    expect(progressRow(progress(1, { eventTime: { watermark: '1970-01-01T00:00:00.000Z' } }))['watermarkGap']).toBeNull();
  });

  it('keeps the newest `retained` events, dropping the oldest', () => {
    const history = new History(50);
    for (let i = 0; i < 120; i++) history.push(progressRow(progress(i)));
    expect(history.length).toBeLessThanOrEqual(50);
    expect(history.column('batchId').at(-1)).toBe(119);
    expect(history.column('batchId')[0]).toBe(120 - history.length);
  });
});
