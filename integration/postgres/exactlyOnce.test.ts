import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertExactlyOnce } from '@sluice/testing';
import { postgresSink } from '@sluice/sinks';
import { createTestSchema, TEST_PG_URL, type TestSchema } from './support.ts';

describe('the PostgreSQL sink under assertExactlyOnce', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema();
  });
  afterAll(() => db.drop());

  it('holds every row exactly once, in partition order, under random crash schedules', async () => {
    await assertExactlyOnce(
      (run) => {
        const table = `${db.schema}.exactly_once_${run}`;
        return {
          sink: postgresSink({ url: TEST_PG_URL, dbtable: table, createTableIfNotExists: true, progressTable: `${db.schema}.sluice_progress` }),
          rows: () => db.rows(`SELECT partition, seq, id FROM ${table} ORDER BY ctid`).catch(() => []),
        };
      },
      { runs: Number(process.env['SLUICE_PROPERTY_RUNS'] ?? 200) },
    );
  }, 300_000);
});
