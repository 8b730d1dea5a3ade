/**
 * Complete mode as Spark runs it (EventTimeWatermarkSuite "complete mode"): the watermark never
 * drops input or evicts state, and a watermark move alone does not run a batch that would only
 * send the whole result table again.
 */
import { describe, it } from 'vitest';
import { count, groupBy, window, withWatermark } from '@sluice/core';
import { sluiceMarbles } from '@sluice/testing';
import { STATE_PROVIDERS } from './providers.ts';

const at = (seconds: number) => ({ ts: seconds * 1000 });
const w = (start: number) => ({ window: { start: start * 1000, end: (start + 5) * 1000 } });

describe('complete mode keeps every row and sends one table per batch (Spark 18/3)', () => {
  for (const provider of STATE_PROVIDERS) {
    it(`${provider.name}: EventTimeWatermarkSuite :: complete mode — late rows still count, nothing is evicted`, () =>
      sluiceMarbles(({ source, query, expectSink }) => {
        const input = source('memory', '-a--b--c--d--e', { a: [at(10), at(11), at(12)], b: [at(25)], c: [at(25)], d: [at(10)], e: [at(25)] }, 'ts TIMESTAMP');
        const counts = input.pipe(withWatermark('ts', '10 seconds'), groupBy(window('ts', '5 seconds')).agg(count().alias('count')));
        // After b the watermark is 15 s: Spark's append/update would drop d's row at 10 s; complete keeps it.
        // One output per input batch: the watermark moves after b, yet no batch re-sends the table.
        expectSink(query(counts, { outputMode: 'complete', options: provider.options() })).toBe('-a--b--c--d--e', {
          a: [{ ...w(10), count: 3n }],
          b: [{ ...w(10), count: 3n }, { ...w(25), count: 1n }],
          c: [{ ...w(10), count: 3n }, { ...w(25), count: 2n }],
          d: [{ ...w(10), count: 4n }, { ...w(25), count: 2n }],
          e: [{ ...w(10), count: 4n }, { ...w(25), count: 3n }],
        });
      }));
  }
});
