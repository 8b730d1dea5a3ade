import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKillableChild } from '../support.ts';
import { createTestSchema, type TestSchema } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Run the child until it has printed `killAfter` committed batches, then SIGKILL it; or to the end. Resolves whether it was killed. */
function runChild(checkpoint: string, table: string, lastBatch: number, killAfter?: number): Promise<boolean> {
  const kill = killAfter === undefined ? {} : { killAfter: { batches: killAfter, delayMs: 0 } };
  return runKillableChild(join(here, 'fixtures/rateToPostgres.ts'), [checkpoint, table, String(lastBatch)], { cwd: join(here, '../..'), ...kill });
}

describe('kill -9 of a real process', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema();
  });
  afterAll(() => db.drop());

  it('a process killed mid-stream and restarted on its checkpoint delivers every row exactly once', async () => {
    const checkpoint = await mkdtemp(join(tmpdir(), 'sluice-kill9-'));
    const table = `${db.schema}.kill_nine`;
    const lastBatch = 14;
    // Killed twice at different depths (the lock file is left behind each time), then run to the end.
    const first = await runChild(checkpoint, table, lastBatch, 3);
    const second = await runChild(checkpoint, table, lastBatch, 2);
    const last = await runChild(checkpoint, table, lastBatch);
    expect([first, second, last]).toEqual([true, true, false]);
    const [stats] = await db.rows<{ n: string; distinct: string; min: string; max: string }>(`SELECT count(*) AS n, count(DISTINCT value) AS distinct, min(value) AS min, max(value) AS max FROM ${table}`);
    const rows = (lastBatch + 1) * 500;
    expect(stats).toEqual({ n: String(rows), distinct: String(rows), min: '0', max: String(rows - 1) });
  }, 120_000);
});
