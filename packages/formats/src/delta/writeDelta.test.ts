/**
 * Tables written by `writeDelta` are real Delta tables: DuckDB replays their log and reads the
 * live files with the same rows; partitions, schema enforcement, idempotent transactions and
 * concurrent writers behave as Delta's writer does.
 */
import { fc, test } from '@fast-check/vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arbitraryValue } from '@sluice/core/arbitraries';
import { parseDeltaCommit } from './actions.ts';
import { DeltaLog } from './deltaLog.ts';
import { history } from './history.ts';
import { readDelta } from './readDelta.ts';
import { duckdbReadDelta, rowMultiset } from './testing/duckdbReplay.ts';
import { writeDelta } from './writeDelta.ts';

let instance: DuckDBInstance;
let db: DuckDBConnection;
let dir: string;
let n = 0;
const fresh = () => join(dir, `t${n++}`);

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  dir = await mkdtemp(join(tmpdir(), 'sluice-delta-write-'));
});
afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

const schema = toSchema('id LONG, name STRING, score DOUBLE, ok BOOLEAN, ts TIMESTAMP, day DATE, n INT, tags ARRAY<STRING>, attrs STRUCT<a: INT, b: STRING>');
const rowArbitrary = fc.record({
  id: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
  name: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
  score: arbitraryValue(schema.fields[2]!.type),
  ok: arbitraryValue(schema.fields[3]!.type),
  ts: arbitraryValue(schema.fields[4]!.type),
  day: arbitraryValue(schema.fields[5]!.type),
  n: arbitraryValue(schema.fields[6]!.type),
  tags: fc.option(fc.array(fc.option(fc.string({ maxLength: 4 }), { nil: null }), { maxLength: 3 }), { nil: null }),
  attrs: fc.option(fc.record({ a: fc.option(fc.integer(), { nil: null }), b: fc.option(fc.string({ maxLength: 4 }), { nil: null }) }), { nil: null }),
});

describe('DuckDB reads what writeDelta writes', () => {
  test.prop([fc.array(fc.array(rowArbitrary, { maxLength: 30 }), { minLength: 1, maxLength: 4 }), fc.constantFrom(undefined, ['ok'], ['day', 'n'])], { numRuns: 12 })(
    'appends of random rows, partitioned or not: the same rows at every version, for DuckDB and for readDelta',
    async (batches, partitionBy) => {
      const path = fresh();
      const written: Record<string, unknown>[] = [];
      let version = -1;
      for (const rows of batches) {
        const result = await writeDelta(path, tableFromRows(schema, rows), partitionBy ? { partitionBy } : {});
        // An append of no rows to an existing table commits nothing.
        if (result.version === null) expect([rows.length, version >= 0]).toEqual([0, true]);
        version = result.version ?? version;
        written.push(...rows);
        const ours = tableToRows(await readDelta(path, { versionAsOf: version }));
        const theirs = await duckdbReadDelta(db, path, version);
        const columns = schema.fields.map((f) => f.name);
        expect(rowMultiset(ours, columns)).toEqual(rowMultiset(written, columns));
        expect(rowMultiset(theirs.rows, columns)).toEqual(rowMultiset(written, columns));
      }
    },
  );

  it('partition values with nulls, empty strings and characters that need escaping', async () => {
    const path = fresh();
    const names = ['A/A', 'B B', 'x=y', '100%', 'ü?#', '', null, "it's", 'a:b'];
    const rows = names.map((name, i) => ({ id: BigInt(i), name }));
    await writeDelta(path, tableFromRows(toSchema('id LONG, name STRING'), rows), { partitionBy: ['name'] });
    const ours = tableToRows(await readDelta(path));
    // Spark writes an empty partition string as null (its directory is __HIVE_DEFAULT_PARTITION__ too).
    const expected = rows.map((r) => ({ ...r, name: r.name === '' ? null : r.name }));
    expect(rowMultiset(ours)).toEqual(rowMultiset(expected));
    expect(rowMultiset((await duckdbReadDelta(db, path)).rows)).toEqual(rowMultiset(expected));
    const dirs = (await readdir(path)).filter((d) => d.startsWith('name=')).sort();
    expect(dirs).toContain('name=A%2FA');
    expect(dirs).toContain('name=__HIVE_DEFAULT_PARTITION__');
    expect(dirs).toContain('name=x%3Dy');
  });

  it('timestamp, date, boolean and numeric partitions round-trip as typed values', async () => {
    const path = fresh();
    const s = toSchema('v INT, ts TIMESTAMP, d DATE, b BOOLEAN, x DOUBLE, k LONG');
    const rows = [
      { v: 1, ts: Date.UTC(2024, 4, 1, 10, 30, 15, 123), d: Date.UTC(2024, 4, 1), b: true, x: 10, k: 5n },
      { v: 2, ts: Date.UTC(1969, 11, 31, 23, 59, 59, 999), d: Date.UTC(1900, 0, 1), b: false, x: 1.5e10, k: -(2n ** 60n) },
      { v: 3, ts: null, d: null, b: null, x: null, k: null },
    ];
    await writeDelta(path, tableFromRows(s, rows), { partitionBy: ['ts', 'd', 'b', 'x', 'k'] });
    expect(rowMultiset(tableToRows(await readDelta(path)))).toEqual(rowMultiset(rows));
    expect(rowMultiset((await duckdbReadDelta(db, path)).rows)).toEqual(rowMultiset(rows));
    const add = parseDeltaCommit(await readFile(join(path, '_delta_log', '00000000000000000000.json'), 'utf8'), 'v0').find((a) => a.kind === 'add' && a.add.partitionValues['v'] === undefined && a.add.partitionValues['b'] === 'true');
    expect(add?.kind === 'add' && add.add.partitionValues).toEqual({ ts: '2024-05-01T10:30:15.123000Z', d: '2024-05-01', b: 'true', x: '10.0', k: '5' });
  });
});

describe('the log a write commits', () => {
  it('protocol 1/2, metaData with the JSON schema, adds with stats; commitInfo first', async () => {
    const path = fresh();
    await writeDelta(path, tableFromRows(toSchema('id LONG, name STRING'), [{ id: 1n, name: 'a' }, { id: 7n, name: null }]), { partitionBy: [] });
    const lines = (await readFile(join(path, '_delta_log', '00000000000000000000.json'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(lines[0])).toEqual(['commitInfo']);
    expect(lines[0].commitInfo).toMatchObject({ operation: 'WRITE', operationParameters: { mode: 'Append', partitionBy: '[]' }, engineInfo: expect.stringMatching(/^Sluice\//) });
    expect(lines.find((l) => l.protocol).protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const meta = lines.find((l) => l.metaData).metaData;
    expect(JSON.parse(meta.schemaString)).toEqual({
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: true, metadata: {} },
        { name: 'name', type: 'string', nullable: true, metadata: {} },
      ],
    });
    expect(meta).toMatchObject({ format: { provider: 'parquet', options: {} }, partitionColumns: [], configuration: {}, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const add = lines.find((l) => l.add).add;
    expect(add).toMatchObject({ partitionValues: {}, dataChange: true, path: expect.stringMatching(/^part-00000-[0-9a-f-]{36}-c000\.snappy\.parquet$/) });
    expect(JSON.parse(add.stats)).toEqual({ numRecords: 2, minValues: { id: 1, name: 'a' }, maxValues: { id: 7, name: 'a' }, nullCount: { id: 0, name: 1 } });
  });

  it('history lists the commits newest first', async () => {
    const path = fresh();
    const s = toSchema('id LONG');
    await writeDelta(path, tableFromRows(s, [{ id: 1n }]));
    await writeDelta(path, tableFromRows(s, [{ id: 2n }]), { mode: 'overwrite', userMetadata: 'replaced' });
    const h = await history(path);
    expect(h.map((e) => [e.version, e.operation, e.operationParameters['mode'], e.readVersion])).toEqual([[1, 'WRITE', 'Overwrite', 0], [0, 'WRITE', 'Append', null]]);
    expect(h[0]!.userMetadata).toBe('replaced');
    expect(h[0]!.timestamp).toBeGreaterThan(h[1]!.timestamp - 1);
  });

  it('time travel by version and by timestamp (commit times from the injected clock)', async () => {
    const path = fresh();
    let clock = Date.UTC(2024, 0, 1);
    const log = new DeltaLog(path, { now: () => clock });
    const s = toSchema('id LONG');
    for (let v = 0; v < 4; v++) {
      clock = Date.UTC(2024, 0, 1 + v);
      await writeDelta(path, tableFromRows(s, [{ id: BigInt(v) }]), { log });
    }
    expect((await readDelta(path, { versionAsOf: 2 })).numRows).toBe(3);
    expect((await readDelta(path, { timestampAsOf: '2024-01-02 12:00:00' })).numRows).toBe(2);
    expect((await readDelta(path, { timestampAsOf: new Date(Date.UTC(2024, 0, 4)) })).numRows).toBe(4);
    await expect(readDelta(path, { timestampAsOf: '2023-12-31' })).rejects.toMatchObject({ code: 'DELTA_VERSION_NOT_FOUND' });
    await expect(readDelta(path, { timestampAsOf: 'yesterday' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('checkpoints every 10 commits', () => {
  it('a Parquet checkpoint in Delta\'s layout, _last_checkpoint, and a reader that needs only them', async () => {
    const path = fresh();
    const s = toSchema('id LONG, p STRING');
    for (let i = 0; i < 12; i++) {
      await writeDelta(path, tableFromRows(s, [{ id: BigInt(i), p: i % 2 === 0 ? 'even' : null }]), { partitionBy: ['p'], txnAppId: 'app', txnVersion: i });
    }
    await writeDelta(path, tableFromRows(s, [{ id: 100n, p: 'x' }]), { mode: 'overwrite' });
    const log = join(path, '_delta_log');
    expect(JSON.parse(await readFile(join(log, '_last_checkpoint'), 'utf8'))).toMatchObject({ version: 10, size: 14, numOfAddFiles: 11 });
    const columns = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${join(log, '00000000000000000010.checkpoint.parquet')}')`)).getRowObjectsJS();
    expect(Object.fromEntries(columns.map((c) => [c['column_name'], c['column_type']]))).toEqual({
      txn: 'STRUCT(appId VARCHAR, "version" BIGINT, lastUpdated BIGINT)',
      add: 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, tags MAP(VARCHAR, VARCHAR), stats VARCHAR)',
      remove: 'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT)',
      metaData: 'STRUCT(id VARCHAR, "name" VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, "options" MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], "configuration" MAP(VARCHAR, VARCHAR), createdTime BIGINT)',
      protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)',
    });
    const txn = (await db.runAndReadAll(`SELECT txn.appId AS a, txn.version AS v FROM read_parquet('${join(log, '00000000000000000010.checkpoint.parquet')}') WHERE txn IS NOT NULL`)).getRowObjectsJS();
    expect(txn).toEqual([{ a: 'app', v: 10n }]);
    // Without the commits before it, the checkpoint alone rebuilds version 10 (and DuckDB agrees).
    for (let v = 0; v < 10; v++) await rm(join(log, `${String(v).padStart(20, '0')}.json`));
    const v10 = tableToRows(await readDelta(path, { versionAsOf: 10 }));
    expect(v10.map((r) => Number(r['id'])).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rowMultiset((await duckdbReadDelta(db, path, 10)).rows)).toEqual(rowMultiset(v10));
    const latest = await new DeltaLog(path).requireLatest();
    expect([latest.version, latest.txnVersion('app'), latest.numFiles]).toEqual([12, 11, 1]);
  });
});

describe('schema enforcement', () => {
  const base = toSchema('id LONG, name STRING');
  async function table(): Promise<string> {
    const path = fresh();
    await writeDelta(path, tableFromRows(base, [{ id: 1n, name: 'a' }]));
    return path;
  }

  it('a different type and an unknown column are refused with every difference listed', async () => {
    const path = await table();
    const error = await writeDelta(path, tableFromRows(toSchema('id STRING, name STRING, extra INT'), [{ id: 'x', name: 'b', extra: 1 }])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SCHEMA_MISMATCH' });
    const message = (error as Error).message;
    expect(message).toContain("column 'id' is long in the table but string in the batch");
    expect(message).toContain("column 'extra' (integer) is not in the table");
    expect(message).toContain('Table schema: id long, name string');
    expect(message).toContain('Batch schema: id string, name string, extra integer');
    expect(message).toContain('mergeSchema');
    expect((error as { details: { differences: string[] } }).details.differences).toHaveLength(2);
    expect((await readDelta(path)).numRows).toBe(1); // nothing written
  });

  it('mergeSchema adds the new columns as nullable; older rows read null', async () => {
    const path = await table();
    await writeDelta(path, tableFromRows(toSchema('id LONG, name STRING, extra INT'), [{ id: 2n, name: 'b', extra: 5 }]), { mergeSchema: true });
    const rows = tableToRows(await readDelta(path));
    expect(rows.sort((a, b) => Number(a['id']) - Number(b['id']))).toEqual([{ id: 1n, name: 'a', extra: null }, { id: 2n, name: 'b', extra: 5 }]);
    expect(rowMultiset((await duckdbReadDelta(db, path)).rows)).toEqual(rowMultiset(rows));
  });

  it('narrower numbers widen, missing nullable columns are null, names match case-insensitively', async () => {
    const path = await table();
    await writeDelta(path, tableFromRows(toSchema('ID INT'), [{ ID: 3 }]));
    expect(tableToRows(await readDelta(path)).find((r) => r['id'] === 3n)).toEqual({ id: 3n, name: null });
  });

  it('overwriteSchema replaces the schema and partitioning with an overwrite, and is refused with an append', async () => {
    const path = await table();
    const other = toSchema('k STRING, v DOUBLE');
    await expect(writeDelta(path, tableFromRows(other, [{ k: 'a', v: 1 }]), { overwriteSchema: true })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'overwriteSchema' } });
    await writeDelta(path, tableFromRows(other, [{ k: 'a', v: 1 }]), { mode: 'overwrite', overwriteSchema: true, partitionBy: ['k'] });
    expect(tableToRows(await readDelta(path))).toEqual([{ k: 'a', v: 1 }]);
    expect((await new DeltaLog(path).requireLatest()).partitionColumns).toEqual(['k']);
  });

  it('a different partitionBy on an existing table, and columns differing only in case, are refused', async () => {
    const path = await table();
    await expect(writeDelta(path, tableFromRows(base, [{ id: 2n, name: 'b' }]), { partitionBy: ['name'] })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'partitionBy' } });
    await expect(writeDelta(fresh(), tableFromRows(toSchema('a INT, A INT'), [{ a: 1, A: 2 }]))).rejects.toMatchObject({ code: 'INVALID_SCHEMA' });
    await expect(writeDelta(fresh(), tableFromRows(base, [{ id: 1n, name: 'a' }]), { partitionBy: ['nope'] })).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
  });
});

describe('idempotent transactions (txnAppId / txnVersion)', () => {
  it('a version at or below the recorded one is skipped; a higher one is written', async () => {
    const path = fresh();
    const s = toSchema('id LONG');
    const write = (id: number, version: number, appId = 'query-1') => writeDelta(path, tableFromRows(s, [{ id: BigInt(id) }]), { txnAppId: appId, txnVersion: version });
    expect((await write(1, 0)).skipped).toBe(false);
    expect((await write(1, 0)).skipped).toBe(true);
    expect((await write(2, 1)).version).toBe(1);
    expect((await write(9, 0)).skipped).toBe(true);
    expect((await write(3, 0, 'query-2')).skipped).toBe(false);
    expect(tableToRows(await readDelta(path)).map((r) => r['id']).sort()).toEqual([1n, 2n, 3n]);
    const lines = (await readFile(join(path, '_delta_log', '00000000000000000001.json'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.find((l) => l.txn).txn).toMatchObject({ appId: 'query-1', version: 1, lastUpdated: expect.any(Number) });
  });

  it('txnAppId and txnVersion go together', async () => {
    const t = tableFromRows(toSchema('id LONG'), [{ id: 1n }]);
    await expect(writeDelta(fresh(), t, { txnAppId: 'a' })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'txnVersion' } });
    await expect(writeDelta(fresh(), t, { txnVersion: 1 })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'txnAppId' } });
    await expect(writeDelta(fresh(), t, { txnAppId: 'a', txnVersion: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('optimistic concurrency', () => {
  it('writers appending at the same time all land every row, with no version skipped or reused', async () => {
    const path = fresh();
    const s = toSchema('writer INT, i INT');
    const writers = Array.from({ length: 4 }, () => new DeltaLog(path));
    await Promise.all(writers.map(async (log, w) => {
      for (let i = 0; i < 6; i++) await writeDelta(path, tableFromRows(s, [{ writer: w, i }]), { log });
    }));
    const rows = tableToRows(await readDelta(path));
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((r) => `${r['writer']}/${r['i']}`)).size).toBe(24);
    const versions = (await readdir(join(path, '_delta_log'))).filter((f) => f.endsWith('.json')).sort();
    expect(versions).toHaveLength(24);
    expect(versions.at(-1)).toBe('00000000000000000023.json');
    expect(rowMultiset((await duckdbReadDelta(db, path)).rows)).toEqual(rowMultiset(rows));
  });

  it('an overwrite based on a stale snapshot conflicts with a concurrent append', async () => {
    const path = fresh();
    const s = toSchema('id LONG');
    await writeDelta(path, tableFromRows(s, [{ id: 1n }]));
    const slow = new DeltaLog(path);
    const stale = await slow.requireLatest();
    await writeDelta(path, tableFromRows(s, [{ id: 2n }]));
    const error = await slow.commit(stale, {
      actions: stale.files.map((f) => ({ kind: 'remove' as const, remove: { path: f.path, dataChange: true, deletionTimestamp: 0 } })),
      operation: 'WRITE', operationParameters: { mode: 'Overwrite' }, isBlindAppend: false, readWholeTable: true,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DELTA_CONCURRENT_MODIFICATION', details: { conflict: 'ConcurrentAppend', version: 1 } });
    expect((await readDelta(path)).numRows).toBe(2);
  });

  it('two commits of one application transaction conflict', async () => {
    const path = fresh();
    const s = toSchema('id LONG');
    await writeDelta(path, tableFromRows(s, [{ id: 1n }]));
    const a = new DeltaLog(path);
    const b = new DeltaLog(path);
    const snapA = await a.requireLatest();
    const snapB = await b.requireLatest();
    const txn = (version: number) => ({ kind: 'txn' as const, txn: { appId: 'same-query', version } });
    await a.commit(snapA, { actions: [txn(0)], operation: 'STREAMING UPDATE', operationParameters: {}, isBlindAppend: true });
    await expect(b.commit(snapB, { actions: [txn(0)], operation: 'STREAMING UPDATE', operationParameters: {}, isBlindAppend: true }))
      .rejects.toMatchObject({ code: 'DELTA_CONCURRENT_MODIFICATION', details: { conflict: 'ConcurrentTransaction' } });
  });

  it('two writers creating the same table both land their rows; a different schema conflicts', async () => {
    const path = fresh();
    const s = toSchema('id LONG');
    await Promise.all([0, 1, 2].map((i) => writeDelta(path, tableFromRows(s, [{ id: BigInt(i) }]))));
    expect((await readDelta(path)).numRows).toBe(3);
    const other = fresh();
    const results = await Promise.allSettled([
      writeDelta(other, tableFromRows(s, [{ id: 1n }])),
      writeDelta(other, tableFromRows(toSchema('name STRING'), [{ name: 'x' }])),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    // Either both were serialized (the second then fails schema enforcement) or they raced (a conflict).
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ code: expect.stringMatching(/^(DELTA_CONCURRENT_MODIFICATION|SCHEMA_MISMATCH)$/) });
  });
});

describe('write modes and tables Sluice must not write', () => {
  it('errorIfExists, ignore and an append-only table', async () => {
    const path = fresh();
    const s = toSchema('id LONG');
    await writeDelta(path, tableFromRows(s, [{ id: 1n }]), { configuration: { 'delta.appendOnly': 'true' } });
    await expect(writeDelta(path, tableFromRows(s, [{ id: 2n }]), { mode: 'errorIfExists' })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    expect((await writeDelta(path, tableFromRows(s, [{ id: 2n }]), { mode: 'ignore' })).skipped).toBe(true);
    await expect(writeDelta(path, tableFromRows(s, [{ id: 2n }]), { mode: 'overwrite' })).rejects.toMatchObject({ code: 'INVALID_QUERY', message: expect.stringContaining('append-only') });
  });

  it('a table with a feature in use that Sluice cannot enforce is refused by name (column mapping)', async () => {
    const error = await writeDelta('/work/shared/fixtures/delta/table_with_column_mapping', tableFromRows(toSchema('x STRING'), [])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DELTA_UNSUPPORTED_FEATURE', details: { feature: 'columnMapping' } });
  });

  it('files of about targetFileSize and at most maxRecordsPerFile rows', async () => {
    const path = fresh();
    const s = toSchema('id LONG, pad STRING');
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: BigInt(i), pad: 'x'.repeat(100) }));
    const result = await writeDelta(path, tableFromRows(s, rows), { maxRecordsPerFile: 300 });
    expect(result.numFiles).toBe(4);
    const bySize = await writeDelta(fresh(), tableFromRows(s, rows), { targetFileSize: 30_000 });
    expect(bySize.numFiles).toBeGreaterThanOrEqual(4);
    expect((await readDelta(path)).numRows).toBe(1000);
  });
});
