/**
 * Secrets never reach the UI, the metrics, the logs or the errors: a job whose PostgreSQL URL
 * carries a password (from the environment, as the README advises) and a Kafka source with SASL
 * credentials, run and validated through the real `sluice` command.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, TEST_PG_URL, type TestSchema } from '../postgres/support.ts';
import { main } from '@sluice/cli';
import { killStragglers, sluice, type LogLine } from './support.ts';

const PG_PASSWORD = decodeURIComponent(new URL(TEST_PG_URL).password);
const SASL_PASSWORD = 'kafka-sasl-S3cret-horse';

let db: TestSchema;
let dir: string;
beforeAll(async () => {
  db = await createTestSchema();
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-secrets-'));
});
afterAll(() => db?.drop());

function leaks(text: string): string[] {
  return [PG_PASSWORD, SASL_PASSWORD].filter((secret) => text.includes(secret));
}

describe('secrets under the sluice command', () => {
  afterEach(killStragglers);

  it('a PostgreSQL password reaches neither the pages, the event stream, /metrics nor the logs', async () => {
    expect(PG_PASSWORD.length).toBeGreaterThanOrEqual(3);
    const job = join(dir, 'to-postgres.yaml');
    await writeFile(job, [
      'queryName: to_postgres',
      'sourceFormat: rate-micro-batch',
      'sourceOptions: { rowsPerBatch: 20 }',
      'targetFormat: postgres',
      'targetOptions:',
      '  url: ${SLUICE_JOB_PG_URL}',
      `  dbtable: ${db.schema}.secret_rows`,
      '  createTableIfNotExists: true',
      `  checkpointLocation: ${join(dir, 'pg-checkpoint')}`,
      'trigger: 200ms',
    ].join('\n'));
    const run = sluice(['run', job, '--ui', '0', '--log-format', 'json', '--log-level', 'debug'], { SLUICE_JOB_PG_URL: TEST_PG_URL });
    const at = await run.waitFor((l) => l.msg.startsWith('web UI at '));
    const ui = at.msg.slice('web UI at '.length);
    await run.waitFor((l) => /^batch 1 committed/.test(l.msg));
    const [summary] = (await (await fetch(`${ui}/api/queries`)).json()) as { key: string }[];
    const texts = await Promise.all(['/', `/query/${summary!.key}`, `/api/queries/${summary!.key}`, '/metrics'].map(async (p) => (await fetch(`${ui}${p}`)).text()));
    const events = await readEvents(`${ui}/api/events`, 1_500);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    const all = [...texts, events, JSON.stringify(run.lines), run.stderr()].join('\n');
    expect(leaks(all)).toEqual([]);
    // What is shown instead: the sink by its table and server, without credentials.
    expect((JSON.parse(texts[2]!) as { sink: { description: string } }).sink.description).toMatch(/^PostgresSink\[table=.*secret_rows, server=.*@127\.0\.0\.1/);
    expect(events).toContain('"progress"');
  }, 240_000);

  it('Kafka SASL credentials stay out of validate, the logs and the error of a source that cannot connect', async () => {
    const job = join(dir, 'from-kafka.json');
    await writeFile(job, JSON.stringify({
      queryName: 'from_kafka',
      sourceFormat: 'kafka',
      sourceOptions: {
        'kafka.bootstrap.servers': '127.0.0.1:1',
        subscribe: 'events',
        'kafka.security.protocol': 'SASL_PLAINTEXT',
        'kafka.sasl.mechanism': 'PLAIN',
        'kafka.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="${SASL_PASSWORD}";`,
        'kafka.socket.connection.setup.timeout.ms': 500,
        'kafka.request.timeout.ms': 500,
      },
      targetFormat: 'noop',
      targetOptions: { checkpointLocation: join(dir, 'kafka-checkpoint') },
    }));
    const validated: string[] = [];
    const validateCode = await main(['validate', job], { stdout: (l) => void validated.push(l), stderr: (l) => void validated.push(l) });
    const runOut = sluice(['run', job, '--log-format', 'json', '--log-level', 'debug']);
    const ran = await runOut.exited;
    expect(ran.code).toBe(1);
    const logs = JSON.stringify(runOut.lines) + runOut.stderr();
    expect(runOut.lines.some((l: LogLine) => l.level === 'error')).toBe(true);
    expect(leaks(logs)).toEqual([]);
    expect(validateCode).toBe(0);
    expect(validated.join('\n')).toContain('kafka.sasl.jaas.config=***');
    expect(leaks(validated.join('\n'))).toEqual([]);
  }, 240_000);
});

/** What the live feed sends during `ms`. */
async function readEvents(url: string, ms: number): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const stop = setTimeout(() => controller.abort(), ms);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
  } catch {
    // aborted: the time is up
  } finally {
    clearTimeout(stop);
  }
  return text;
}
