import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tableToRows } from '@sluice/core';
import { dropFile, startFilesToConsole } from './files-to-console.ts';
import { filesToParquet } from './files-to-parquet.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-example-files-'));
  dirs.push(dir);
  return dir;
}

describe('examples/files-to-console', () => {
  it('prints the clicks of each file that lands, one batch per arrival', async () => {
    const dir = await tempDir();
    const printed: string[] = [];
    const query = await startFilesToConsole(dir, (text) => printed.push(text));
    await dropFile(dir, 'a.json', [{ user: 'ada', action: 'click', at: '2026-01-01T10:00:00Z' }, { user: 'ada', action: 'scroll', at: '2026-01-01T10:00:01Z' }]);
    await query.processAllAvailable();
    await dropFile(dir, 'b.json', [{ user: 'grace', action: 'click', at: '2026-01-02T10:00:00Z' }]);
    await query.processAllAvailable();
    await query.stop();
    expect(printed).toHaveLength(2);
    expect(printed[0]).toContain('Batch: 0');
    expect(printed[0]).toContain('|ada |click |2026-01-01 10:00:00|');
    expect(printed.join('')).not.toContain('scroll');
    expect(printed[1]).toContain('|grace|click |2026-01-02 10:00:00|');
  });
});

describe('examples/files-to-parquet', () => {
  it('a second run adds only the files that arrived since; readFiles shows every order once, by day', async () => {
    const work = await tempDir();
    const incoming = join(work, 'incoming');
    await mkdir(incoming);
    const land = async (i: number, day: number) => {
      await writeFile(join(incoming, `.o${i}.tmp`), `{"id": ${i}, "amount": ${i}.5, "at": "2026-03-0${day}T08:00:00Z"}\n`);
      await rename(join(incoming, `.o${i}.tmp`), join(incoming, `o${i}.json`));
    };
    for (let i = 0; i < 3; i++) await land(i, 1 + (i % 2));
    expect((await filesToParquet(work)).numRows).toBe(3);
    await land(3, 3);
    const table = await filesToParquet(work);
    expect(table.schema.names).toEqual(['id', 'amount', 'at', 'day']);
    const rows = tableToRows(table).sort((a, b) => Number(a['id']) - Number(b['id']));
    expect(rows.map((r) => [Number(r['id']), new Date(r['day'] as number).toISOString().slice(0, 10)])).toEqual([[0, '2026-03-01'], [1, '2026-03-02'], [2, '2026-03-01'], [3, '2026-03-03']]);
    expect((await readdir(join(work, 'out'))).sort()).toEqual(['_spark_metadata', 'day=2026-03-01', 'day=2026-03-02', 'day=2026-03-03']);
    expect((await readdir(join(work, 'out', '_spark_metadata'))).sort()).toEqual(['0', '1', '2']);
  });
});
