/**
 * A stream–stream left outer join killed with SIGKILL at random instants (inside a batch, a
 * state commit, a snapshot) and restarted from its checkpoint: every left row is joined with its
 * right partner exactly once, none is lost, none comes twice, and no left row that had a partner
 * is ever emitted unmatched — the buffered rows and their matched flags live in the checkpoint.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from '../state/support.ts';
import { runKillableChild, type KillAfter } from '../support.ts';

const here = dirname(fileURLToPath(import.meta.url));
let dirs: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dirs = await scratch('sluice-join-kill-');
});
afterAll(() => dirs.remove());

const runChild = (args: { checkpoint: string; out: string; stateStore: string; localDir: string }, killAfter?: KillAfter) =>
  runKillableChild(join(here, 'fixtures/joinAcrossKills.ts'), [args.checkpoint, args.out, args.stateStore, args.localDir], { cwd: join(here, '../..'), ...(killAfter ? { killAfter } : {}) });

describe('a stream–stream join killed with SIGKILL mid-run', () => {
  for (const stateStore of ['memory', 'rocksdb']) {
    it(`${stateStore}: each left row joins its partner exactly once after restarts`, async () => {
      const args = { checkpoint: dirs.path('ck'), out: dirs.path('out'), stateStore, localDir: dirs.path('local') };
      const killed: boolean[] = [];
      const kills = stateStore === 'memory' ? ([[4, 23]] as const) : ([[3, 17]] as const); // each child loads for seconds: one kill each keeps CI's time
      for (const [batches, delayMs] of kills) killed.push(await runChild(args, { batches, delayMs }));
      expect(killed.filter(Boolean).length, 'runs killed').toBeGreaterThan(0);
      expect(await runChild(args), 'the last run ends by itself').toBe(false);

      const rows: { lv: number; rv: number | null }[] = [];
      for (const file of (await readdir(args.out)).filter((f) => f.endsWith('.json'))) rows.push(...(JSON.parse(await readFile(join(args.out, file), 'utf8')) as typeof rows));
      const seen = new Map<number, number>();
      for (const r of rows) seen.set(r.lv, (seen.get(r.lv) ?? 0) + 1);
      expect([...seen].filter(([, n]) => n > 1), 'left rows emitted twice').toEqual([]);
      expect(rows.filter((r) => r.rv !== null && r.rv !== r.lv + 11), 'wrong partners').toEqual([]);
      // 17 batches × 20 rows = values 0–339; every even v with v + 11 ≤ 339 has its partner in the input.
      const matched = new Set(rows.filter((r) => r.rv !== null).map((r) => r.lv));
      const expected = Array.from({ length: 170 }, (_, i) => 2 * i).filter((v) => v + 11 <= 339);
      expect(expected.filter((v) => !matched.has(v)), 'left rows that lost their match').toEqual([]);
      expect(rows.filter((r) => r.rv === null && r.lv + 11 <= 339), 'rows emitted unmatched though their partner came').toEqual([]);
    }, 180_000);
  }
});
