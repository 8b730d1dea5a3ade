import { describe, expect, it } from 'vitest';
import type { StreamingQueryProgress } from '@sluice/core';
import { ProgressLine } from './progressLine.ts';

const progress = (batchId: number): StreamingQueryProgress => ({
  id: 'q-id', runId: 'r-id', name: 'events', timestamp: '2026-12-05T10:00:00.000Z', batchId, batchDuration: 42, numInputRows: 1_000,
  inputRowsPerSecond: 12_345, processedRowsPerSecond: 23_456.7, durationMs: { addBatch: 30, triggerExecution: 42 }, stateOperators: [], sources: [], sink: { description: 'x', numOutputRows: 1_000 },
});

describe('ProgressLine', () => {
  it('rewrites one line in place, fits the terminal, and ends it before other output', () => {
    const written: string[] = [];
    const out = { columns: 60, write: (text: string) => void written.push(text) } as unknown as NodeJS.WriteStream;
    const line = new ProgressLine(out);
    line.update(progress(7), 'Waiting for next trigger');
    line.update(progress(8), 'Waiting for next trigger');
    line.done();
    expect(written[0]).toMatch(/^\r\x1b\[K/);
    expect(written[1]).toContain('events  batch 8  1000 rows  in 12.3k/s  processed 23.5k/s');
    expect(written.slice(0, 2).every((w) => w.length - 4 <= 59)).toBe(true);
    expect(written.at(-1)).toBe('\n');
  });
});
