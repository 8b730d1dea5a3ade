/**
 * `sluice run` on the README's job file, as a real process: SIGTERM during a batch lets that
 * batch commit and exits 0 within the deadline with the checkpoint lock released; a kill -9
 * beside it; a rerun continues, and the output holds every input record exactly once.
 */
import { access, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { availableNow, readStream, silentLogger, QueryManager } from '../support.ts';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import { readmeJob, killStragglers, sluice, type LogLine } from './support.ts';

const FILES = 10;
const ROWS = 5_000;

async function inputFiles(dir: string, files = FILES): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    const lines = Array.from({ length: ROWS }, (_, i) => JSON.stringify({ id: f * ROWS + i, user: `user-${i % 97}`, amount: (i % 1000) / 10 }));
    await writeFile(join(dir, `events-${String(f).padStart(3, '0')}.json`), `${lines.join('\n')}\n`);
  }
}

/** The ids the job wrote, read back through Sluice's file source (which reads only committed files). */
async function outputIds(dir: string): Promise<number[]> {
  const manager = new QueryManager({ logger: silentLogger });
  const query = await readStream().format('parquet').option('schema', 'id BIGINT, user STRING, amount DOUBLE').load(dir)
    .writeTo(memorySink(), { queryName: `readback_${Date.now()}`, trigger: availableNow(), manager });
  await query.awaitTermination();
  return memoryTableRows(query.name!).map((r) => Number(r['id'])).sort((a, b) => a - b);
}

const committed = (l: LogLine) => /^batch \d+ committed/.test(l.msg);
const exists = (path: string) => access(path).then(() => true, () => false);

describe('sluice run', () => {
  afterEach(killStragglers);

  it('SIGTERM mid-batch exits 0 within the deadline; after a kill -9 too, a rerun writes every record once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-run-'));
    await inputFiles(join(dir, 'in'));
    const job = join(dir, 'events.yaml');
    await writeFile(job, await readmeJob(dir));
    const deadlineMs = 10_000;
    const args = ['run', job, '--log-format', 'json', '--log-level', 'debug', '--stop-deadline', `${deadlineMs}ms`];

    // 1. SIGTERM while a batch is in flight (signalled as the batch logs its offsets; retried if the batch beat the signal).
    let stopped: { inFlight: number; batchId: number; code: number | null; elapsed: number } | undefined;
    for (let attempt = 0; attempt < 3 && !stopped?.inFlight; attempt++) {
      const run = sluice(args);
      const first = await run.waitFor(committed);
      const walCommit = await run.waitFor((l) => l.msg === 'state walCommit' && run.lines.indexOf(l) > run.lines.indexOf(first));
      const signalledAt = Date.now();
      run.child.kill('SIGTERM');
      const exit = await run.exited;
      const warning = run.lines.find((l) => typeof l['signal'] === 'string')!;
      const afterSignal = run.lines.slice(run.lines.indexOf(warning));
      const lastCommit = afterSignal.filter(committed).at(-1) ?? run.lines.filter(committed).at(-1)!;
      stopped = { inFlight: Number(warning['inFlight']), batchId: Number(lastCommit['batchId']), code: exit.code, elapsed: exit.at - signalledAt };
      expect(run.lines.indexOf(walCommit)).toBeGreaterThan(0);
      expect(exit.code).toBe(0);
      expect(exit.at - signalledAt).toBeLessThan(deadlineMs);
      if (stopped.inFlight) {
        // The batch in flight finished: its commit is logged after the signal, and it is in the checkpoint.
        expect(afterSignal.some(committed)).toBe(true);
        expect(await exists(join(dir, 'checkpoint', 'commits', String(stopped.batchId)))).toBe(true);
        expect(await exists(join(dir, 'checkpoint', 'offsets', String(stopped.batchId + 1)))).toBe(false);
      }
      expect(await exists(join(dir, 'checkpoint', '.lock'))).toBe(false);
    }
    expect(stopped?.inFlight).toBe(1);

    // 2. kill -9 after one more committed batch: the lock stays behind, as a dead process leaves it.
    const killed = sluice(args);
    await killed.waitFor(committed);
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');

    // 3. The rerun takes the lock over and processes what is left, then exits by itself.
    const rest = sluice([...args, '--trigger', 'availableNow']);
    const exit = await rest.exited;
    expect(exit.code, rest.stderr()).toBe(0);
    expect(await exists(join(dir, 'checkpoint', '.lock'))).toBe(false);

    const ids = await outputIds(join(dir, 'out'));
    expect(ids.length).toBe(FILES * ROWS);
    expect(new Set(ids).size).toBe(FILES * ROWS);
    expect(ids[0]).toBe(0);
    expect(ids.at(-1)).toBe(FILES * ROWS - 1);
    console.info(`SIGTERM during batch ${stopped!.batchId}: exit ${stopped!.code} after ${stopped!.elapsed} ms (deadline ${deadlineMs} ms)`);
  }, 400_000); // bounds for a loaded machine: ~20 s alone

  it('a second signal exits at once with 128 + the signal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-twice-'));
    await inputFiles(join(dir, 'in'), 4);
    const job = join(dir, 'events.yaml');
    await writeFile(job, await readmeJob(dir));
    const run = sluice(['run', job, '--log-format', 'json', '--log-level', 'debug', '--stop-deadline', '60s']);
    const first = await run.waitFor(committed);
    // During the next batch: the first SIGINT starts a stop that must wait for it, the second ends the process.
    await run.waitFor((l) => l.msg === 'state walCommit' && run.lines.indexOf(l) > run.lines.indexOf(first));
    run.child.kill('SIGINT');
    await run.waitFor((l) => l['signal'] === 'SIGINT');
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code).toBe(130);
    expect(run.lines.some((l) => l.msg.startsWith('received SIGINT again: exiting now'))).toBe(true);
  }, 240_000);
});
