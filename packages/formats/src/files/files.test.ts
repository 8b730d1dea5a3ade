import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { Utf8 } from 'apache-arrow';
import { tableToRows } from '@sluice/core';
import { listDataFiles, globBase } from './listDataFiles.ts';
import { DEFAULT_PARTITION_NAME, parsePartitionDirectory, partitionDirectory } from './partitionPath.ts';
import { readFiles } from './readFiles.ts';
import { SinkManifest } from './sinkManifest.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-files-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('partition directories', () => {
  test.prop([fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 12 })])('a value survives the directory name (escaped as Spark does); empty is the default partition', (column, value) => {
    const name = partitionDirectory(column, value, new Utf8());
    expect(name.split('/')).toHaveLength(1);
    expect(name.indexOf('=')).toBe(name.lastIndexOf('='));
    expect(parsePartitionDirectory(name)).toEqual({ column, value: value === '' ? null : value });
  });

  it('null is __HIVE_DEFAULT_PARTITION__', () => {
    expect(partitionDirectory('day', null, new Utf8())).toBe(`day=${DEFAULT_PARTITION_NAME}`);
    expect(parsePartitionDirectory('no-equals')).toBeUndefined();
  });
});

describe('listing input files', () => {
  it('skips hidden names, descends into partition directories only (all with recursiveFileLookup), follows symlinks, matches globs', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'day=1', 'kind=a'), { recursive: true });
    await mkdir(join(dir, 'plain'));
    for (const f of ['a.json', '.tmp.json', '_SUCCESS', 'x._COPYING_', 'day=1/b.json', 'day=1/kind=a/c.json', 'plain/d.json']) await writeFile(join(dir, f), '{}');
    await symlink(join(dir, 'a.json'), join(dir, 'link.json'));
    const names = async (opts = {}, path = dir) => (await listDataFiles(path, opts)).map((f) => [f.path.slice(dir.length + 1), f.partition]);
    expect(await names()).toEqual([['a.json', {}], ['day=1/b.json', { day: '1' }], ['day=1/kind=a/c.json', { day: '1', kind: 'a' }], ['link.json', {}]]);
    expect((await names({ recursiveFileLookup: true })).map(([p]) => p)).toEqual(['a.json', 'day=1/b.json', 'day=1/kind=a/c.json', 'link.json', 'plain/d.json']);
    expect((await names({ pathGlobFilter: 'c*' })).map(([p]) => p)).toEqual(['day=1/kind=a/c.json']);
    expect((await names({}, join(dir, 'day=*', 'kind=*'))).map(([p]) => p)).toEqual(['day=1/kind=a/c.json']);
    expect(globBase(join(dir, 'day=*', 'x'))).toBe(dir);
    expect(await listDataFiles(join(dir, 'missing'))).toEqual([]);
  });
});

describe('readFiles', () => {
  it('infers the schema and partition column types when none is given', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'n=1'));
    await mkdir(join(dir, 'n=20'));
    await writeFile(join(dir, 'n=1', 'a.json'), '{"id": 1, "s": "x"}\n');
    await writeFile(join(dir, 'n=20', 'b.json'), '{"id": 2}\n');
    const table = await readFiles(dir, { format: 'json', mode: 'DROPMALFORMED' });
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Int64', 's:Utf8', 'n:Int32']);
    expect(tableToRows(table)).toEqual([{ id: 1n, s: 'x', n: 1 }, { id: 2n, s: null, n: 20 }]);
    await expect(readFiles(dir, { format: 'json', mood: 'x' })).rejects.toThrow(/UNKNOWN_OPTION|mood/);
  });

  it('reads a Spark _spark_metadata log (compact file, delete actions) the same way as ours', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '_spark_metadata'));
    const entry = (name: string, action = 'add') => JSON.stringify({ path: `file://${join(dir, name)}`, size: 1, isDir: false, modificationTime: 1, blockReplication: 1, blockSize: 1, action });
    for (const n of ['a', 'b', 'c', 'd']) await writeFile(join(dir, `part-${n}.json`), `{"id": "${n}"}\n`);
    await writeFile(join(dir, '_spark_metadata', '0'), ['v1', entry('part-z.json')].join('\n')); // superseded by the compaction
    await writeFile(join(dir, '_spark_metadata', '1.compact'), ['v1', entry('part-a.json'), entry('part-b.json')].join('\n'));
    await writeFile(join(dir, '_spark_metadata', '2'), ['v1', entry('part-c.json'), entry('part-b.json', 'delete')].join('\n'));
    const rows = tableToRows(await readFiles(dir, { format: 'json', schema: 'id STRING', mode: 'FAILFAST' }));
    expect(rows.map((r) => r['id']).sort()).toEqual(['a', 'c']);
    expect(await (await SinkManifest.find(dir))!.latestBatchId()).toBe(2);
  });

  it("reads Spark 2.1.0's sink log (FileStreamSinkLogSuite :: read Spark 2.1.0 log format): 7.compact, then 8 deleting /a/b/0, then 9", async () => {
    // Spark's structured-streaming/file-sink-log-version-2.1.0, restated line by line.
    const dir = await tempDir();
    await mkdir(join(dir, '_spark_metadata'));
    const status = (path: string, size: number, modificationTime: number, action = 'add', blockReplication = 1, blockSize = 100) =>
      JSON.stringify({ path, size, isDir: false, modificationTime, blockReplication, blockSize, action });
    const compacted = [status('/a/b/0', 1, 1), ...[1, 2, 3, 4, 5, 6, 7].map((i) => status(`/a/b/${i}`, i * 100, i * 100))];
    await writeFile(join(dir, '_spark_metadata', '7.compact'), ['v1', ...compacted, ''].join('\n'));
    await writeFile(join(dir, '_spark_metadata', '8'), ['v1', status('/a/b/8', 800, 800), status('/a/b/0', 100, 100, 'delete'), ''].join('\n'));
    await writeFile(join(dir, '_spark_metadata', '9'), ['v1', status('/a/b/9', 900, 900, 'add', 3, 200), ''].join('\n'));
    const manifest = (await SinkManifest.find(dir))!;
    const files = await manifest.files();
    expect(files.map((f) => f.file).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `/a/b/${i}`));
    expect(files.find((f) => f.file === '/a/b/9')!.entry).toEqual({ path: '/a/b/9', size: 900, isDir: false, modificationTime: 900, blockReplication: 3, blockSize: 200, action: 'add' });
    expect(await manifest.latestBatchId()).toBe(9);
  });

  it("drops a path deleted anywhere in the live batches, even when an add of it comes later (Spark's compactLogs)", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '_spark_metadata'));
    const status = (path: string, action: string) => JSON.stringify({ path, size: 1, isDir: false, modificationTime: 1, blockReplication: 1, blockSize: 1, action });
    await writeFile(join(dir, '_spark_metadata', '0'), ['v1', status('/a/x', 'add'), status('/a/y', 'delete')].join('\n'));
    await writeFile(join(dir, '_spark_metadata', '1'), ['v1', status('/a/y', 'add')].join('\n'));
    expect((await (await SinkManifest.find(dir))!.files()).map((f) => f.file)).toEqual(['/a/x']);
    // A log version Spark's FileStreamSinkLog does not know (it has only v1) is refused, not guessed at.
    await writeFile(join(dir, '_spark_metadata', '2'), ['v2', status('/a/z', 'add')].join('\n'));
    await expect((await SinkManifest.find(dir))!.files()).rejects.toThrow(/FILE_CORRUPT.*_spark_metadata\/2.*maximum supported log version is v1/);
  });

  it("reads a log an earlier Sluice wrote under _sluice_metadata; a damaged one is FILE_CORRUPT naming the file", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '_sluice_metadata'));
    await writeFile(join(dir, 'part-a.json'), '{"id": 1}\n');
    await writeFile(join(dir, 'part-b.json'), '{"id": 2}\n'); // not committed
    await writeFile(join(dir, '_sluice_metadata', '0'), `v1\n${JSON.stringify({ path: `file://${join(dir, 'part-a.json')}`, size: 1, isDir: false, modificationTime: 1, blockReplication: 1, blockSize: 1, action: 'add' })}`);
    expect(tableToRows(await readFiles(dir, { format: 'json', schema: 'id INT', mode: 'FAILFAST' }))).toEqual([{ id: 1 }]);
    await writeFile(join(dir, '_sluice_metadata', '0'), 'v1\n{"path": "file:///x", "act');
    await expect(readFiles(dir, { format: 'json', schema: 'id INT' })).rejects.toThrow(new RegExp(`FILE_CORRUPT.*${dir}/_sluice_metadata/0.*line 2`));
  });
});
