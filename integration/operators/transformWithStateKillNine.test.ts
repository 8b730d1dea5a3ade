/**
 * transformWithState with processing-time timers pending, killed with SIGKILL at random instants
 * (inside a batch, a state commit, a snapshot) and restarted: every timer it registered fires
 * exactly once, never before it is due (its batch's time is past the expiry), and none is lost —
 * the timers live in the checkpoint, not in the process.
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
  dirs = await scratch('sluice-timers-kill-');
});
afterAll(() => dirs.remove());

const runChild = (args: { checkpoint: string; out: string; stateStore: string; localDir: string }, killAfter?: KillAfter) =>
  runKillableChild(join(here, 'fixtures/timersAcrossKills.ts'), [args.checkpoint, args.out, args.stateStore, args.localDir], { cwd: join(here, '../..'), ...(killAfter ? { killAfter } : {}) });

interface TimerRow {
  kind: 'registered' | 'fired';
  key: number;
  expiry: number;
  at: number;
}

describe('transformWithState killed with SIGKILL while timers are pending', () => {
  for (const stateStore of ['memory', 'rocksdb']) {
    it(`${stateStore}: each timer fires exactly once, when due, after restarts`, async () => {
      const args = { checkpoint: dirs.path('ck'), out: dirs.path('out'), stateStore, localDir: dirs.path('local') };
      const killed: boolean[] = [];
      // Each child loads for seconds: two kills on the memory store, one on RocksDB, keep CI's time.
      const kills = stateStore === 'memory' ? ([[3, 7], [4, 31]] as const) : ([[3, 11]] as const);
      for (const [batches, delayMs] of kills) killed.push(await runChild(args, { batches, delayMs }));
      expect(killed.filter(Boolean).length, 'runs killed').toBeGreaterThan(0);
      expect(await runChild(args), 'the last run ends by itself').toBe(false);

      const rows: TimerRow[] = [];
      for (const file of (await readdir(args.out)).filter((f) => f.endsWith('.json'))) rows.push(...(JSON.parse(await readFile(join(args.out, file), 'utf8')) as TimerRow[]));
      const id = (r: TimerRow) => `${r.key}@${r.expiry}`;
      const registered = new Map<string, number>();
      const fired = new Map<string, number>();
      for (const r of rows) (r.kind === 'registered' ? registered : fired).set(id(r), ((r.kind === 'registered' ? registered : fired).get(id(r)) ?? 0) + 1);
      expect([...registered.values()].every((n) => n === 1), 'each timer registered once').toBe(true);
      expect([...fired].filter(([, n]) => n !== 1), 'timers fired more than once').toEqual([]);
      expect([...registered.keys()].filter((t) => !fired.has(t)), 'timers lost').toEqual([]);
      expect([...fired.keys()].filter((t) => !registered.has(t)), 'timers fired that were never registered').toEqual([]);
      for (const r of rows.filter((row) => row.kind === 'fired')) expect(r.at, `timer ${id(r)} fired early`).toBeGreaterThan(r.expiry);
      // Timers were pending at some kill: at least one fired in a run after the one that registered it.
      expect(registered.size).toBe(70); // 10 batches × 7 keys
    }, 180_000);
  }
});
