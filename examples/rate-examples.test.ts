/** The demo (`make demo`) and the seed example run, and print what the README says they print. */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules/.bin/tsx');

describe('rate examples', () => {
  it('the demo prints Spark-style batch tables and progress, then stops', async () => {
    const { stdout, stderr } = await run(tsx, ['examples/rate-to-console.ts'], { cwd: root, env: { ...process.env, DEMO_SECONDS: '5' }, timeout: 60_000 });
    expect(stdout).toMatch(/-{43}\nBatch: \d+\n-{43}\n\+-+\+/);
    expect(stdout).toContain('|timestamp');
    expect(stderr).toMatch(/» batch \d+ · \d+ rows · [\d.]+ rows\/s in/);
    expect(stderr).toContain('Stopped after');
  }, 90_000);

  it('the seed example prints the status and a Spark-shaped lastProgress', async () => {
    const checkpoint = await mkdtemp(join(tmpdir(), 'sluice-seed-'));
    const { stdout } = await run(tsx, ['examples/rate-to-noop.ts'], { cwd: root, env: { ...process.env, SECONDS: '3', CHECKPOINT: checkpoint }, timeout: 60_000 });
    expect(stdout).toContain("message: 'Getting offsets from RateStreamV2[rowsPerSecond=1, rampUpTimeSeconds=0, numPartitions=default]'");
    expect(stdout).toContain('"name" : "source_rate_sink_noop"');
    expect(stdout).toMatch(/"durationMs" : \{/);
    expect(stdout).toContain("{ message: 'Stopped', isDataAvailable: false, isTriggerActive: false }");
  }, 90_000);
});
