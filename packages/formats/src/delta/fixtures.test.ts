/**
 * Sluice reads real Delta tables it did not write (Spark, delta-rs, Databricks; see the fixtures'
 * README): the documented row counts, every version of every table agreeing with DuckDB's own
 * replay of the log, checkpoints with and without `_last_checkpoint`, deletion vectors, column
 * mapping, and refusal by name of what it cannot read.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DataType } from 'apache-arrow';
import { isSluiceError, tableToRows } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaLog } from './deltaLog.ts';
import { readDelta } from './readDelta.ts';
import { duckdbReadDelta, rowMultiset } from './testing/duckdbReplay.ts';

const FIXTURES = '/work/shared/fixtures/delta';
const table = (name: string) => join(FIXTURES, name);

let instance: DuckDBInstance;
let db: DuckDBConnection;
let scratch: string;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  scratch = await mkdtemp(join(tmpdir(), 'sluice-delta-fixtures-'));
});
afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  await rm(scratch, { recursive: true, force: true });
});

describe('the row counts of the fixtures README', () => {
  it.each([
    ['simple_table', 0, 5],
    ['simple_table', 1, 20],
    ['simple_table', 2, 5],
    ['simple_table', 4, 3],
    ['simple_table_with_checkpoint', 10, 11],
    ['delta-0.8.0', 1, 4],
    ['delta-0.8.0-partitioned', 0, 7],
    ['delta-2.2.0-partitioned-types', 0, 3],
  ])('%s at version %i has %i rows', async (name, version, rows) => {
    expect((await readDelta(table(name), { versionAsOf: version })).numRows).toBe(rows);
  });

  it.each([
    ['checkpoints', 12, 12],
    ['with_checkpoint_no_last_checkpoint', 3, 1],
    ['latest_not_checkpointed', 3, 1],
  ])('%s (log only) is at version %i with %i live files', async (name, version, files) => {
    const snapshot = await new DeltaLog(table(name)).update();
    expect(snapshot?.version).toBe(version);
    expect(snapshot?.numFiles).toBe(files);
  });
});

/** Fixture tables with data files that DuckDB can replay without deletion vectors. */
const PLAIN = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !/dv|deletion/.test(entry.name))
  .map((entry) => entry.name)
  .filter((name) => readdirSync(table(name)).some((f) => !f.startsWith('_') && !f.startsWith('.')));

describe('every version of every fixture table equals what DuckDB reads', () => {
  it('covers the tables with data', () => {
    expect(PLAIN).toEqual(expect.arrayContaining(['simple_table', 'delta-0.8.0-partitioned', 'delta-0.8.0-special-partition', 'table_with_column_mapping', 'table_with_edge_timestamps']));
  });

  for (const name of PLAIN) {
    it(name, async () => {
      const versions = readdirSync(join(table(name), '_delta_log')).filter((f) => /^\d{20}\.json$/.test(f)).map((f) => Number(f.slice(0, 20)));
      for (const version of versions) {
        const ours = await readDelta(table(name), { versionAsOf: version });
        const theirs = await duckdbReadDelta(db, table(name), version);
        // Decimal columns: Sluice keeps Arrow's decimal values, which have no plain JS form to compare.
        const columns = ours.schema.fields.filter((f) => !DataType.isDecimal(f.type)).map((f) => f.name);
        expect(rowMultiset(tableToRows(ours), columns), `${name} v${version}`).toEqual(rowMultiset(theirs.rows, columns));
      }
    });
  }
});

describe('checkpoints', () => {
  it('a table whose commits before the checkpoint are gone reads from the checkpoint alone', async () => {
    const copy = join(scratch, 'only-checkpoint');
    await cp(table('simple_table_with_checkpoint'), copy, { recursive: true });
    for (let v = 0; v < 10; v++) await rm(join(copy, '_delta_log', `${String(v).padStart(20, '0')}.json`));
    expect((await readDelta(copy)).numRows).toBe(11);
    await expect(readDelta(copy, { versionAsOf: 5 })).rejects.toMatchObject({ code: 'DELTA_VERSION_NOT_FOUND', message: expect.stringContaining('earliest version that can be read is 10') });
  });

  it('a damaged checkpoint is skipped when the commits reach back to version 0', async () => {
    const copy = join(scratch, 'bad-checkpoint');
    await cp(table('simple_table_with_checkpoint'), copy, { recursive: true });
    await writeFile(join(copy, '_delta_log', '00000000000000000010.checkpoint.parquet'), 'not parquet');
    expect((await readDelta(copy)).numRows).toBe(11);
  });

  it('a _last_checkpoint pointing at a checkpoint that is not there is ignored', async () => {
    const copy = join(scratch, 'stale-pointer');
    await cp(table('latest_not_checkpointed'), copy, { recursive: true });
    await writeFile(join(copy, '_delta_log', '_last_checkpoint'), JSON.stringify({ version: 99, size: 3 }));
    expect((await new DeltaLog(copy).update())?.version).toBe(3);
  });
});

describe('features of newer tables', () => {
  it('deletion vectors: deleted rows are not returned (stats numRecords minus the vector cardinality)', async () => {
    const before = await readDelta(table('table-with-dv-small'), { versionAsOf: 0 });
    const after = await readDelta(table('table-with-dv-small'), { versionAsOf: 1 });
    expect(tableToRows(before).map((r) => r['value'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(tableToRows(after).map((r) => r['value'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]); // DELETE … WHERE value IN (0, 9)
  });

  it('deletion vectors across many commits and a checkpoint: each version has numRecords − cardinality rows', async () => {
    const log = new DeltaLog(table('table_with_deletion_logs'));
    const latest = await log.requireLatest();
    for (let version = 0; version <= latest.version; version++) {
      const snapshot = await log.snapshotAt(version);
      const expected = snapshot.files.reduce((n, f) => n + JSON.parse(f.stats!).numRecords - (f.deletionVector?.cardinality ?? 0), 0);
      expect((await readDelta(table('table_with_deletion_logs'), { versionAsOf: version })).numRows, `version ${version}`).toBe(expected);
    }
  });

  it('column mapping (name mode): columns come back under their logical names', async () => {
    const rows = tableToRows(await readDelta(table('table_with_column_mapping')));
    expect(Object.keys(rows[0]!)).toEqual(['Company Very Short', 'Super Name']);
    expect(rows.filter((r) => r['Company Very Short'] === 'BMS')).toHaveLength(4);
  });

  it('INT96 timestamps written by Spark, up to 9999-12-31, read exactly', async () => {
    const rows = tableToRows(await readDelta(table('table_with_edge_timestamps')));
    expect(rows.map((r) => new Date(r['BIG_DATE'] as number).toISOString()).sort()).toEqual(['9999-12-30T00:00:00.000Z', '9999-12-31T00:00:00.000Z']);
  });

  it('partition values: nulls, special characters in paths, numbers', async () => {
    expect(tableToRows(await readDelta(table('delta-0.8.0-null-partition'))).map((r) => r['k']).sort()).toEqual(['A', null]);
    expect(tableToRows(await readDelta(table('delta-0.8.0-special-partition'))).map((r) => r['x']).sort()).toEqual(['A/A', 'B B']);
    const numeric = tableToRows(await readDelta(table('delta-0.8.0-numeric-partition')));
    expect(numeric.map((r) => [r['x'], r['y']]).sort()).toEqual([[10n, 10], [9n, 9.9]]);
  });
});

describe('tables Sluice cannot read are refused by name', () => {
  async function withProtocol(name: string, protocol: object): Promise<string> {
    const copy = join(scratch, `${name}-${Object.values(protocol).join('-')}`);
    await cp(table('simple_table'), copy, { recursive: true });
    const first = join(copy, '_delta_log', '00000000000000000000.json');
    const text = await readFile(first, 'utf8');
    await writeFile(first, text.replace('{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}', JSON.stringify({ protocol })));
    return copy;
  }

  it('an unknown reader feature', async () => {
    const path = await withProtocol('unknown', { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors', 'quantumEntanglement'], writerFeatures: ['deletionVectors', 'quantumEntanglement'] });
    const error = await readDelta(path).catch((e: unknown) => e);
    expect(isSluiceError(error, 'DELTA_UNSUPPORTED_FEATURE')).toBe(true);
    expect((error as Error).message).toContain("'quantumEntanglement'");
    expect((error as { details: { feature: string } }).details.feature).toBe('quantumEntanglement');
  });

  it.each([['v2Checkpoint'], ['variantType'], ['catalogManaged']])('reader feature %s', async (feature) => {
    const path = await withProtocol(feature, { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [feature], writerFeatures: [feature] });
    await expect(readDelta(path)).rejects.toMatchObject({ code: 'DELTA_UNSUPPORTED_FEATURE', details: { feature } });
  });

  it('a reader version from the future', async () => {
    const path = await withProtocol('future', { minReaderVersion: 4, minWriterVersion: 8 });
    await expect(readDelta(path)).rejects.toMatchObject({ code: 'DELTA_UNSUPPORTED_FEATURE', message: expect.stringContaining('reader version 4') });
  });

  it('a path that is not a Delta table', async () => {
    await expect(readDelta(join(scratch, 'nothing-here'))).rejects.toMatchObject({ code: 'DELTA_TABLE_NOT_FOUND' });
  });

  it('a version that does not exist', async () => {
    await expect(readDelta(table('simple_table'), { versionAsOf: 5 })).rejects.toMatchObject({ code: 'DELTA_VERSION_NOT_FOUND', message: expect.stringContaining('latest version is 4') });
  });
});
