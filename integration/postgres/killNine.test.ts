import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Run the child until it has printed `killAfter` committed batches, then SIGKILL it; or to the end. */
function runChild(checkpoint: string, table: string, lastBatch: number, killAfter?: number): Promise<{ batches: number; killed: boolean }> {
  return new Promise((resolve, reject) => {
    // node itself, with tsx as a loader: the tsx CLI would run the script in a grandchild that SIGKILL never reaches.
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures/rateToPostgres.ts'), checkpoint, table, String(lastBatch)], { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(here, '../..') });
    let batches = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      batches += (d.toString().match(/^batch /gm) ?? []).length;
      if (killAfter !== undefined && batches >= killAfter) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ batches, killed: true });
      else if (code === 0) resolve({ batches, killed: false });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
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
    expect([first, second, last]).toEqual([{ batches: 3, killed: true }, { batches: 2, killed: true }, expect.objectContaining({ killed: false })]);
    const [stats] = await db.rows<{ n: string; distinct: string; min: string; max: string }>(`SELECT count(*) AS n, count(DISTINCT value) AS distinct, min(value) AS min, max(value) AS max FROM ${table}`);
    const rows = (lastBatch + 1) * 500;
    expect(stats).toEqual({ n: String(rows), distinct: String(rows), min: '0', max: String(rows - 1) });
  }, 120_000);
});
