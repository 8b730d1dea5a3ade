/**
 * Stream–static joins against the static sides that read storage: a Delta table is read again
 * when its version moves (a row committed between two micro-batches joins from the next batch
 * on), a directory of files when its listing changes; left outer, semi and anti answers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, memoryCheckpoint, QueryManager, silentLogger, tableFromRows, toSchema, type StreamFrame } from '@sluice/core';
import { staticDelta, staticFiles, writeDelta } from '@sluice/formats';
import { memoryStream } from '@sluice/sources';
import { dropMemoryTable, memorySink, memoryTableRows } from '@sluice/sinks';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(joinPath(tmpdir(), 'sluice-static-join-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const dimSchema = toSchema('code STRING, name STRING');
let n = 0;

async function run(frame: StreamFrame, steps: ((rows: () => Record<string, unknown>[]) => Promise<void>)[]): Promise<void> {
  const table = `static_join_${n++}`;
  dropMemoryTable(table);
  const query = await frame.writeStream().sink(memorySink({ tableName: table })).option('checkpointLocation', memoryCheckpoint(table)).manager(new QueryManager({ logger: silentLogger })).start();
  try {
    for (const step of steps) {
      await step(() => memoryTableRows(table) as Record<string, unknown>[]);
      await query.processAllAvailable();
    }
  } finally {
    await query.stop();
  }
}

describe('stream–static joins against storage', () => {
  it('a Delta table is read again when its version moves', async () => {
    const path = joinPath(root, 'dim');
    await writeDelta(path, tableFromRows(dimSchema, [{ code: 'FR', name: 'France' }, { code: 'DE', name: 'Germany' }]));
    const orders = memoryStream('id INT, code STRING');
    const frame = orders.toFrame().pipe(join(await staticDelta(path), 'code', 'left_outer'));
    const seen: Record<string, unknown>[][] = [];
    await run(frame, [
      async () => void orders.addData([{ id: 1, code: "FR" }, { id: 2, code: "IT" }]),
      async (rows) => {
        seen.push(rows());
        await writeDelta(path, tableFromRows(dimSchema, [{ code: 'IT', name: 'Italy' }]));
        orders.addData([{ id: 3, code: 'IT' }, { id: 4, code: 'ES' }]);
      },
      async (rows) => {
        seen.push(rows());
      },
    ]);
    expect(seen[0]).toEqual([{ code: 'FR', id: 1, name: 'France' }, { code: 'IT', id: 2, name: null }]);
    expect(seen[1]!.slice(2)).toEqual([{ code: 'IT', id: 3, name: 'Italy' }, { code: 'ES', id: 4, name: null }]);
  });

  it('a directory of JSON files, re-read when a file arrives; semi and anti joins', async () => {
    const dir = joinPath(root, 'files');
    await rm(dir, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
    await writeFile(joinPath(dir, 'a.json'), '{"code":"FR","name":"France"}\n');
    const side = await staticFiles(dir, { format: 'json', schema: 'code STRING, name STRING' });
    for (const how of ['left_semi', 'left_anti'] as const) {
      await writeFile(joinPath(dir, 'a.json'), '{"code":"FR","name":"France"}\n');
      await rm(joinPath(dir, 'b.json'), { force: true });
      const orders = memoryStream('id INT, code STRING');
      const out: Record<string, unknown>[][] = [];
      await run(orders.toFrame().pipe(join(side, 'code', how)), [
        async () => void orders.addData([{ id: 1, code: "FR" }, { id: 2, code: "DE" }]),
        async (rows) => {
          out.push(rows());
          await writeFile(joinPath(dir, 'b.json'), '{"code":"DE","name":"Germany"}\n');
          orders.addData([{ id: 3, code: 'DE' }]);
        },
        async (rows) => {
          out.push(rows());
        },
      ]);
      if (how === 'left_semi') expect(out[1]).toEqual([{ id: 1, code: 'FR' }, { id: 3, code: 'DE' }]);
      else expect(out[1]).toEqual([{ id: 2, code: 'DE' }]);
    }
  });

  it('refuses the joins Spark refuses with a static right side', async () => {
    const path = joinPath(root, 'dim2');
    await writeDelta(path, tableFromRows(dimSchema, [{ code: 'FR', name: 'France' }]));
    const side = await staticDelta(path);
    const orders = memoryStream('id INT, code STRING').toFrame();
    expect(() => orders.pipe(join(side, 'code', 'right_outer'))).toThrow(/RightOuter join with a streaming DataFrame\/Dataset on the left and a static DataFrame\/DataSet on the right not supported/);
    expect(() => orders.pipe(join(side, 'code', 'full_outer'))).toThrow(/FullOuter joins with streaming DataFrames\/Datasets on the left and a static DataFrame\/Dataset on the right is not supported/);
  });
});
