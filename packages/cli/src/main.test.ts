import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { count, describeState, FileCheckpointStore, groupBy, QueryManager, silentLogger } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { noopSink } from '@sluice/sinks';
import type { OperatorStateReport } from './commands/checkpoint.ts';
import { main } from './main.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => void out.push(l), stderr: (l: string) => void err.push(l) } };
}

async function jobFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('sluice (in process)', () => {
  it('--help lists the commands and the exit codes; no command is a usage error', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/run <job>[\s\S]*validate <job>[\s\S]*checkpoint inspect[\s\S]*Exit codes:[\s\S]*3 {2}the job file is missing or invalid/);
    expect(await main([], capture().io)).toBe(2);
    const bad = capture();
    expect(await main(['run', 'job.yaml', '--ui', 'http'], bad.io)).toBe(2);
    expect(bad.err.join()).toContain('--ui needs a port number');
  });

  it('validate prints each query\'s plan from a YAML job, starting nothing', async () => {
    const path = await jobFile('job.yaml', 'queryName: rates\nsourceFormat: rate-micro-batch\nsourceOptions: { rowsPerBatch: 5 }\ntargetFormat: console\ntrigger: 2 seconds\n');
    const c = capture();
    expect(await main(['validate', path], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toContain('1 query, valid');
    expect(text).toContain('trigger     ProcessingTime(2000 ms)');
    expect(text).toContain('+- StreamingDataSource rate-micro-batch[rowsPerBatch=5]');
  });

  it('a TypeScript job exporting writers built in code validates (Node 20 runs it through tsx)', async () => {
    const c = capture();
    expect(await main(['validate', fileURLToPath(new URL('./job/fixtures/codeJob.ts', import.meta.url)), '--json'], c.io)).toBe(0);
    const report = JSON.parse(c.out.join('\n')) as { queries: { name: string; plan: string[] }[] };
    expect(report.queries[0]!.name).toBe('even_bigger');
    expect(report.queries[0]!.plan.join('\n')).toContain('Filter (value > 3)');
  });

  it.each([
    ['an unknown key, with the nearest valid one', 'job.yaml', 'sourceFormat: rate\ntargetFormat: noop\nquerName: x\n', /unknown key 'querName'\. Did you mean 'queryName'\?/],
    ['YAML that does not parse, with its line', 'job.yaml', 'sourceFormat: rate\n  targetFormat: [noop\n', /is not valid YAML at line \d+, column \d+/],
    ['a missing environment variable', 'job.json', '{"sourceFormat":"rate","targetFormat":"noop","targetOptions":{"password":"${NO_SUCH_VARIABLE_HERE}"}}', /has no NO_SUCH_VARIABLE_HERE/],
    ['an option the source does not have', 'job.yaml', 'sourceFormat: rate\nsourceOptions: { rowsPerSecnd: 5 }\ntargetFormat: noop\n', /rowsPerSecnd/],
    ['an unknown format', 'job.yaml', 'sourceFormat: rabbit\ntargetFormat: noop\n', /Unknown source format 'rabbit'/],
  ])('an invalid job exits 3 and says what is wrong: %s', async (_what, name, text, message) => {
    const c = capture();
    expect(await main(['validate', await jobFile(name, text)], c.io)).toBe(3);
    expect(c.err.join('\n')).toMatch(message);
  });

  it('a job file that does not exist exits 3', async () => {
    const c = capture();
    expect(await main(['validate', '/nonexistent/job.yaml'], c.io)).toBe(3);
    expect(c.err.join()).toContain('No job file at /nonexistent/job.yaml');
  });

  it('checkpoint inspect and state report a stateful query\'s checkpoint, with its state per operator', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-ck-'));
    const manager = new QueryManager({ logger: silentLogger });
    const input = memoryStream('user STRING');
    input.addData([{ user: 'ada' }, { user: 'bob' }]);
    const query = await input.toFrame().pipe(groupBy('user').agg(count())).writeTo(noopSink(), { manager, outputMode: 'update', checkpointLocation: new FileCheckpointStore(dir) });
    await query.processAllAvailable();
    input.addData([{ user: 'cy' }]);
    await query.processAllAvailable();
    await query.stop();

    const inspect = capture();
    expect(await main(['checkpoint', 'inspect', dir], inspect.io)).toBe(0);
    expect(inspect.out.join('\n')).toMatch(/commits {6}0 … 1[\s\S]*state\/0 {6}\w+ on memory, \d+ partitions, batches 0 … 1, \d+ bytes in the latest \(\d+ in \d+ files\)[\s\S]*problems {5}none/);
    const state = capture();
    expect(await main(['checkpoint', 'state', dir, '--json'], state.io)).toBe(0);
    const [op] = JSON.parse(state.out.join('\n')) as OperatorStateReport[];
    const described = (await describeState(dir))[0]!;
    expect(op).toEqual({ ...described, latestBytes: op!.latestBytes }); // core's describeState, as is
    expect(op!.maxBatchId).toBe(1);
    expect(op!.latestBytes).toBeGreaterThan(0);
    expect(op!.latestBytes).toBeLessThanOrEqual(op!.bytes);
    const table = capture();
    expect(await main(['checkpoint', 'state', dir], table.io)).toBe(0);
    expect(table.out.join('\n')).toMatch(new RegExp(`^0 +${described.operatorName} +memory +\\d+ +0 … 1 +${described.files} +${op!.latestBytes} +${described.bytes}$`, 'm'));
    expect(table.out.join('\n')).toMatch(/key space default: key \(user/);
    const drop = capture();
    expect(await main(['checkpoint', 'drop-uncommitted', dir], drop.io)).toBe(0);
    expect(drop.out.join()).toContain('Nothing to drop');
    await mkdir(join(dir, 'offsets'), { recursive: true });
    await writeFile(join(dir, 'offsets', 'junk'), 'x');
    expect(await main(['checkpoint', 'inspect', dir], capture().io)).toBe(1);
  });
});
