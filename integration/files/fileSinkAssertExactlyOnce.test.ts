import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { FileCheckpointStore } from '@sluice/core';
import { tableToRows } from '@sluice/core';
import { readFiles } from '@sluice/formats';
import { fileSink } from '@sluice/sinks';
import { assertExactlyOnce } from '@sluice/testing';
import { removeTempDirs, tempDir } from './support.ts';

afterAll(removeTempDirs);
const runs = Number(process.env['SLUICE_PROPERTY_RUNS'] ?? 60);

describe('the file sink under assertExactlyOnce', () => {
  it('parquet: every row exactly once and in order, whatever the crash schedule (fsync’d file checkpoint)', async () => {
    const root = await tempDir();
    await assertExactlyOnce(
      (run) => {
        const path = join(root, `out-${run}`);
        return {
          sink: fileSink({ format: 'parquet', path, compactInterval: 3 }),
          rows: async () => tableToRows(await readFiles(path, { format: 'parquet', schema: 'partition INT, seq INT, id STRING' })),
        };
      },
      { runs, checkpoint: () => new FileCheckpointStore(join(root, `ck-${Math.random().toString(36).slice(2)}`)) },
    );
  }, 300_000);

  it('json partitioned by a column: every row exactly once, each partition in order', async () => {
    const root = await tempDir();
    await assertExactlyOnce(
      (run) => {
        const path = join(root, `out-${run}`);
        return {
          sink: fileSink({ format: 'json', path, partitionBy: ['partition'], maxRecordsPerFile: 2 }),
          rows: async () => tableToRows(await readFiles(path, { format: 'json', schema: 'seq INT, id STRING, partition INT', mode: 'FAILFAST' })),
        };
      },
      { runs },
    );
  }, 300_000);
});
