import { describe, expect, it } from 'vitest';
import { col, filter, processingTime } from '@sluice/core';
import { crashAt } from '../faults/crashAt.ts';
import { sluiceMarbles } from './sluiceMarbles.ts';

const a = [{ n: 1 }];
const b = [{ n: 2 }, { n: 3 }];
const c = [{ n: 4 }];

describe('sluiceMarbles', () => {
  it('default trigger: each arrival is a batch at the same frame', () =>
    sluiceMarbles(({ source, query, expectSink }) => {
      const input = source('memory', '-a--b---c', { a, b, c });
      const q = query(input.pipe(filter(col('n').gt(1))));
      expectSink(q).toBe('-x--y---z', { x: [], y: [{ n: 2 }, { n: 3 }], z: [{ n: 4 }] });
    }));

  it('processingTime(3): batches on 3 ms boundaries gather what arrived since', () =>
    sluiceMarbles(({ source, query, expectSink, expectStatus }) => {
      const input = source('memory', '-a-b--c----', { a, b, c });
      const q = query(input, { trigger: processingTime(3) });
      // b lands on the boundary at 3: arrivals come before the trigger of the same frame.
      expectSink(q).toBe('---x--y----', { x: [...a, ...b], y: c });
      // Spark's message between processingTime triggers; isDataAvailable tells whether the last one had data.
      const idle = { message: 'Waiting for next trigger', isDataAvailable: false };
      expectStatus(q).toBe('--w-v----u-', { w: idle, v: { message: 'Waiting for next trigger', isDataAvailable: true }, u: idle });
    }));

  it('a kill and a restart lose nothing and repeat nothing', () =>
    sluiceMarbles(({ source, query, expectSink }) => {
      const input = source('memory', '-a--b---c-', { a, b, c });
      const q = query(input, { trigger: processingTime(3) }, '----X-R---');
      // b lands while the process is dead; the restart at 6 picks it up at once.
      expectSink(q).toBe('---x--y--z', { x: a, y: b, z: c });
    }));

  it('a crash after the sink wrote but before the commit replays the batch, and the sink sees it once', () =>
    sluiceMarbles(({ source, query, expectSink, expectProgress }) => {
      const input = source('memory', '-a--b----', { a, b });
      const q = query(input, {}, '---c-R---', { c: crashAt('addBatch', 'after') });
      expectSink(q).toBe('-x--y----', { x: a, y: b });
      expectProgress(q).toBe('-p---r---', { p: { batchId: 0, numInputRows: 1 }, r: { batchId: 1, numInputRows: 2 } });
    }));

  it('shows expected and actual diagrams side by side when they differ', async () => {
    const failure = await sluiceMarbles(({ source, query, expectSink }) => {
      const input = source('memory', '-a--b', { a, b });
      expectSink(query(input)).toBe('-x---y', { x: a, y: b });
    }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('expectSink did not match\n    expected: -x---y\n    actual:   -x--y');
  });
});
