/**
 * Real processes on real files: a writer killed with SIGKILL mid-stream (its lock and maybe
 * Parquet files of an unfinished commit left behind) and restarted loses and repeats nothing;
 * two processes appending to one table at once both land every row, the log's put-if-absent
 * serializing them without a lock.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableToRows } from '@sluice/core';
import { DeltaLog } from '@sluice/formats/internal';
import { readDelta } from '@sluice/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDirectory } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));
let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
beforeAll(async () => {
  scratch = await scratchDirectory('sluice-delta-processes-');
});
afterAll(() => scratch.remove());

/** Run the child until it has printed `killAfter` committed batches, then SIGKILL it; or to the end. */
function runChild(checkpoint: string, table: string, lastBatch: number, options: { killAfter?: number; killDelayMs?: number; pacingMs?: number; rowsPerBatch?: number } = {}): Promise<{ batches: number; killed: boolean }> {
  return new Promise((resolve, reject) => {
    // node itself, with tsx as a loader: the tsx CLI would run the script in a grandchild that SIGKILL never reaches.
    const args = ['--import', 'tsx', join(here, 'fixtures/rateToDelta.ts'), checkpoint, table, String(lastBatch), String(options.pacingMs ?? 0), String(options.rowsPerBatch ?? 500)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(here, '../..') });
    let batches = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      batches += (d.toString().match(/^batch /gm) ?? []).length;
      if (options.killAfter !== undefined && batches >= options.killAfter) setTimeout(() => child.kill('SIGKILL'), options.killDelayMs ?? 0);
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ batches, killed: true });
      else if (code === 0) resolve({ batches, killed: false });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

const values = async (table: string) => tableToRows(await readDelta(table)).map((r) => Number(r['value'])).sort((a, b) => a - b);

describe('Delta writers as real processes', () => {
  it('killed with SIGKILL mid-stream three times and restarted: every row exactly once', async () => {
    const checkpoint = scratch.path('kill-ck');
    const table = scratch.path('kill-table');
    const lastBatch = 11;
    const rowsPerBatch = 20_000;
    // Back-to-back batches of some size, killed a few ms after a commit: inside the next batch's
    // Parquet write, between its files and its commit, or around the checkpoint's offset and commit logs.
    const runs = [];
    for (const killDelayMs of [0, 4, 10]) runs.push(await runChild(checkpoint, table, lastBatch, { killAfter: 2, killDelayMs, rowsPerBatch }));
    runs.push(await runChild(checkpoint, table, lastBatch, { rowsPerBatch }));
    expect(runs.map((r) => r.killed)).toEqual([true, true, true, false]);
    expect(await values(table)).toEqual(Array.from({ length: (lastBatch + 1) * rowsPerBatch }, (_, i) => i));
    // Files of a commit the kill interrupted may be left behind; the log never names them.
    const onDisk = (await readdir(table)).filter((f) => f.endsWith('.parquet')).length;
    expect(onDisk).toBeGreaterThanOrEqual((await new DeltaLog(table).requireLatest()).numFiles);
  }, 120_000);

  it('two processes appending to one table at the same time both land every row, in one unbroken sequence of versions', async () => {
    const table = scratch.path('shared-table');
    const lastBatch = 9;
    const results = await Promise.all([
      runChild(scratch.path('shared-ck-a'), table, lastBatch),
      runChild(scratch.path('shared-ck-b'), table, lastBatch),
    ]);
    expect(results.map((r) => r.killed)).toEqual([false, false]);
    const rows = (lastBatch + 1) * 500;
    expect(await values(table)).toEqual(Array.from({ length: rows * 2 }, (_, i) => Math.floor(i / 2)));
    const versions = (await readdir(join(table, '_delta_log'))).filter((f) => f.endsWith('.json')).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i));
    expect(versions.length).toBeGreaterThanOrEqual(20);
  }, 120_000);
});
