import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, tableToRows } from '@sluice/core';
import { optimize, readDelta } from '@sluice/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMedallion } from './delta-medallion.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-medallion-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** What silver must hold after `n` bronze events: no test events, no malformed lines. */
const expected = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 4 !== 3 && i % 97 !== 96);

describe('examples/delta-medallion', () => {
  it('silver holds every clean bronze event once, run after run, compaction of bronze included', async () => {
    for (let run = 1; run <= 3; run++) {
      const { bronze, silver, paths } = await startMedallion({ root, rowsPerBatch: 200, trigger: availableNow() });
      await bronze.awaitTermination();
      await silver.awaitTermination();
      const seqs = tableToRows(await readDelta(paths.silver)).map((r) => Number(r['seq'])).sort((a, b) => a - b);
      expect(seqs).toEqual(expected(200 * run));
      if (run === 2) expect((await optimize(paths.bronze)).numFilesAdded).toBe(1);
    }
    const silver = await readDelta(join(root, 'silver'));
    expect(silver.schema.fields.map((f) => f.name)).toEqual(['seq', 'user_id', 'event_type', 'amount', 'ingestion_time']);
  });
});
