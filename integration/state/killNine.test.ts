/**
 * Real processes on real files, both state stores: an aggregation killed with SIGKILL at
 * random instants (inside a batch, a state commit, a snapshot, a clean-up) and restarted loses
 * and repeats nothing — every count it ever emitted agrees with the rows it covers, and the
 * last one counts every row.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKillableChild, type KillAfter } from '../support.ts';
import { scratch } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));
let dirs: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dirs = await scratch('sluice-state-kill-');
});
afterAll(() => dirs.remove());

function runChild(args: { checkpoint: string; out: string; last: number; rows: number; stateStore: string; localDir: string }, killAfter?: KillAfter): Promise<boolean> {
  const argv = [args.checkpoint, args.out, String(args.last), String(args.rows), args.stateStore, args.localDir];
  return runKillableChild(join(here, 'fixtures/rateToCounts.ts'), argv, { cwd: join(here, '../..'), ...(killAfter ? { killAfter } : {}) });
}

describe('stateful query killed with SIGKILL and restarted', () => {
  for (const stateStore of ['memory', 'rocksdb']) {
    it(`${stateStore}: every emitted count is right, the last one counts every row`, async () => {
      const args = { checkpoint: dirs.path('ck'), out: dirs.path('out'), last: 9, rows: 2_000, stateStore, localDir: dirs.path('local') };
      const killed: boolean[] = [];
      for (const [batches, delayMs] of [[2, 2], [3, 9]] as const) killed.push(await runChild(args, { batches, delayMs }));
      killed.push(await runChild(args));
      expect(killed.at(-1)).toBe(false);
      const files = (await readdir(args.out)).filter((f) => f.endsWith('.json')).map((f) => Number(f.slice(0, -5))).sort((a, b) => a - b);
      expect(files).toEqual(Array.from({ length: args.last + 1 }, (_, i) => i));
      const latest = new Map<number, number>();
      for (const batch of files) {
        for (const row of JSON.parse(await readFile(join(args.out, `${batch}.json`), 'utf8')) as { key: number; n: number; last: number }[]) {
          // Values are 0, 1, 2 …: the n values of key k are k, k + 10, … so the largest is k + 10 (n - 1).
          expect(row.last, `batch ${batch}, key ${row.key}`).toBe(row.key + 10 * (row.n - 1));
          expect(row.n).toBeGreaterThan(latest.get(row.key) ?? 0);
          latest.set(row.key, row.n);
        }
      }
      expect([...latest.values()]).toEqual(Array.from({ length: 10 }, () => ((args.last + 1) * args.rows) / 10));
    }, 180_000);
  }
});
