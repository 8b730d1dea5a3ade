/**
 * The file source's latency: from a file landing in the watched directory (published by rename)
 * to its batch being committed, with the default trigger — beside the floor of the same work done
 * by hand: chokidar's event for the rename, then reading the file with the codec.
 */
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { watch } from 'chokidar';
import { firstValueFrom, filter } from 'rxjs';
import { QueryManager, silentLogger, tableToRows, toSchema } from '@sluice/core';
import { readJson } from '@sluice/formats';
import { fileSource } from '@sluice/sources';
import { observableSink } from '@sluice/sinks';
import { median, percentile, type Bench } from './lib/bench.ts';

const FILES = 40;
const schema = toSchema('id LONG, name STRING');
const content = (i: number) => Array.from({ length: 100 }, (_, k) => JSON.stringify({ id: i * 100 + k, name: `n${k}` })).join('\n') + '\n';

export const bench: Bench = {
  name: 'file source: landing → committed latency (default trigger)',
  async run({ report, progress }) {
    const manager = new QueryManager({ logger: silentLogger });
    progress(`baseline: chokidar event → readJson, ${FILES} files`);
    const floor = await watcherFloor();
    for (const settle of [50, 0]) {
      progress(`Sluice: ${FILES} files, one at a time, fileSettleTime ${settle} ms`);
      const samples = await sluiceLatencies(manager, settle);
      const label = settle === 0 ? ' (fileSettleTime 0: rename-only writers)' : ' (default fileSettleTime 50 ms)';
      report({ name: `file landed → batch committed, median${label}`, unit: 'ms', value: median(samples), baseline: { name: 'chokidar event → codec read, median', value: median(floor) }, better: 'lower', target: '≤ 200 ms' });
      report({ name: `file landed → batch committed, p99${label}`, unit: 'ms', value: percentile(samples, 99), baseline: { name: 'chokidar event → codec read, p99', value: percentile(floor, 99) }, better: 'lower', target: '≤ 200 ms' });
    }
  },
};

async function sluiceLatencies(manager: QueryManager, settle: number): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-files-'));
  const checkpoint = await mkdtemp(join(tmpdir(), 'sluice-bench-ck-'));
  const sink = observableSink();
  const query = await fileSource({ format: 'json', path: dir, schema, fileSettleTime: settle }).writeTo(sink, { checkpointLocation: checkpoint, manager });
  const samples: number[] = [];
  try {
    for (let i = 0; i < FILES; i++) {
      const last = i * 100 + 99;
      const committed = firstValueFrom(sink.batches$.pipe(filter((b) => tableToRows(b.table).some((r) => Number(r['id']) === last))));
      const started = await land(dir, i);
      await committed;
      samples.push(performance.now() - started);
      await pause(20 + (i % 7) * 5); // off the polling grid
    }
  } finally {
    await query.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(checkpoint, { recursive: true, force: true });
  }
  return samples;
}

async function watcherFloor(): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-watch-'));
  const watcher = watch(dir, { ignoreInitial: true, depth: 1, ignored: (p: string) => p !== dir && /\/\.[^/]*$/.test(p) });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const samples: number[] = [];
  try {
    for (let i = 0; i < FILES; i++) {
      const done = new Promise<void>((resolve) => watcher.once('add', async (path: string) => {
        readJson(await readFile(path), { schema, file: path });
        resolve();
      }));
      const started = await land(dir, i);
      await done;
      samples.push(performance.now() - started);
      await pause(20 + (i % 7) * 5);
    }
  } finally {
    await watcher.close();
    await rm(dir, { recursive: true, force: true });
  }
  return samples;
}

/** Write under a hidden name, then rename: the moment of the rename is "landed". */
async function land(dir: string, i: number): Promise<number> {
  const temp = join(dir, `.f${i}.json.tmp`);
  await writeFile(temp, content(i));
  const started = performance.now();
  await rename(temp, join(dir, `f${i}.json`));
  return started;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
