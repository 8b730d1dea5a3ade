/**
 * The lease with real processes: a holder killed with SIGKILL and restarted at once, also while
 * its pid still exists (a zombie nobody has reaped, as an orphan is for a moment); a holder
 * paused past its lease, whose writes the offset log's put-if-absent then refuses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/checkpointHolder.ts');
const LEASE_MS = 800;
const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));

interface Holder {
  readonly child: ChildProcess;
  /** Resolves with the first line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  readonly output: string[];
}

/** Start a holder; `zombie` runs it under a parent that never reaps it (`sh … & exec sleep`), so its pid outlives a kill. */
function startHolder(dir: string, zombie = false): Holder {
  const node = [process.execPath, '--import', 'tsx', fixture, dir, String(LEASE_MS)];
  const child = zombie
    ? spawn('sh', ['-c', `${node.map((a) => `'${a}'`).join(' ')} & exec sleep 5`], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(node[0]!, node.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const output: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let buffer = '';
  child.stderr!.on('data', (d: Buffer) => output.push(`stderr: ${d.toString().trim()}`));
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      output.push(line);
      for (const w of waiters.splice(0)) (w.pattern.test(line) ? w.resolve(line) : waiters.push(w));
    }
  });
  return {
    child,
    output,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = output.find((l) => pattern.test(l));
        if (seen) return resolve(seen);
        waiters.push({ pattern, resolve });
        child.on('close', () => setTimeout(() => reject(new Error(`holder exited without ${pattern}: ${output.join(' | ')}`)), 50));
      }),
  };
}

const pidOf = async (holder: Holder) => Number((await holder.line(/^pid /)).slice(4));

describe('checkpoint lease with real processes', () => {
  it('kill -9 then an immediate restart always takes over, also while the dead pid lingers; no batch is lost or repeated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-lease-kill-'));
    let expectedNext = 0;
    for (const zombie of [false, true, false, true]) {
      const holder = startHolder(dir, zombie);
      const next = Number((await holder.line(/^locked /)).slice(7));
      expect(next).toBeGreaterThanOrEqual(expectedNext);
      await holder.line(new RegExp(`^batch ${next + 2}$`));
      const pid = await pidOf(holder);
      process.kill(pid, 'SIGKILL');
      if (zombie) {
        // The dead holder's pid still exists: its parent (`sleep`) never reaps it.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(() => process.kill(pid, 0)).not.toThrow();
      }
      expectedNext = next + 3;
    }
    const offsets = (await readdir(join(dir, 'offsets'))).map(Number).sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i));
  }, 60_000);

  it('a live holder keeps its checkpoint: a second process is refused with CHECKPOINT_LOCKED', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-lease-live-'));
    const first = startHolder(dir);
    await first.line(/^batch 1$/);
    const second = startHolder(dir);
    expect(await second.line(/^error /)).toMatch(/^error CHECKPOINT_LOCKED .*run holder-\d+ of query 'holder'/);
  }, 30_000);

  it('a holder paused past its lease is taken over, and the offset log refuses its writes when it wakes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-lease-pause-'));
    const first = startHolder(dir);
    await first.line(/^batch 1$/);
    first.child.kill('SIGSTOP');
    const second = startHolder(dir);
    const next = Number((await second.line(/^locked /)).slice(7));
    await second.line(new RegExp(`^batch ${next + 1}$`));
    first.child.kill('SIGCONT');
    expect(await first.line(/^error /)).toMatch(/^error CHECKPOINT_LOCKED \[CHECKPOINT_LOCKED\] Concurrent update to the log/);
  }, 30_000);
});
