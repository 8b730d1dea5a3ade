/** The demo (`make demo`) and the seed example run, and print what the README says they print. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
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
    // One line per executed batch: no idle "batch 0 · 0 rows" before the real batch 0.
    const batchLines = stderr.split('\n').filter((line) => line.startsWith('» batch '));
    const ids = batchLines.map((line) => /^» batch (\d+)/.exec(line)![1]);
    expect(ids).toEqual([...new Set(ids)]);
    expect(batchLines[0]).toMatch(/^» batch 0 · [1-9]\d* rows/);
  }, 90_000);

  // `make demo` in a real terminal: stderr is a TTY, so the status line is live (rewritten in
  // place with \r ESC[K). util-linux `script` runs the demo on a pseudo-terminal.
  it.skipIf(!existsSync('/usr/bin/script'))('the demo in a terminal: batch tables, a live status line, exit 0', async () => {
    const command = `DEMO_SECONDS=5 ${tsx} examples/rate-to-console.ts`;
    const { stdout } = await run('script', ['-qec', command, '/dev/null'], { cwd: root, timeout: 60_000 });
    const screen = stdout.replace(/\r\n/g, '\n');
    expect(screen).not.toContain('ReferenceError');
    expect(screen).toMatch(/-{43}\nBatch: 0\n-{43}\n\+[-+]+\n\|timestamp +\|value\|even \|processed_at +\|\n/);
    expect(screen).toContain('\r\x1b[K» Waiting for');
    expect(screen).toMatch(/\r\x1b\[K» Getting offsets from RateStreamV2\[rowsPerSecond=5/);
    expect(screen).toMatch(/» batch 0 · [1-9]\d* rows · /);
    expect(screen).toMatch(/Stopped after [1-9]\d* batches/);
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
