import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'integration', '.readme-snippets');

/**
 * Every ```ts block of the README files is a whole program: it type-checks and runs to completion.
 * The repository's README and every package's (packages/<pkg>/README.md: new packages are covered as they appear).
 */
const readmes = ['README.md', ...readdirSync(join(root, 'packages')).map((pkg) => `packages/${pkg}/README.md`).filter((readme) => existsSync(join(root, readme)))];

async function snippets(): Promise<{ file: string; code: string }[]> {
  const out: { file: string; code: string }[] = [];
  for (const readme of readmes) {
    const text = await readFile(join(root, readme), 'utf8').catch(() => '');
    const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    blocks.forEach((code, i) => out.push({ file: `${readme.replace(/[/.]/g, '_')}_${i}.ts`, code }));
  }
  return out;
}

describe('the README is true', async () => {
  const all = await snippets();

  beforeAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    // Each snippet is a module of its own (top-level await, no shared names). The packages' own ambient
    // declarations (state-rocksdb's for its binding) come along, as the packages' tsconfigs include them.
    for (const s of all) await writeFile(join(dir, s.file), `${s.code}\nexport {};\n`);
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', include: ['*.ts', '../../packages/*/src/**/*.d.ts'] }));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('every snippet type-checks', async () => {
    expect(all.length).toBeGreaterThanOrEqual(4);
    const result = await run(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: root }).catch((e: { stdout: string }) => e);
    expect('stdout' in result ? result.stdout : '').toBe('');
  }, 300_000);

  for (const s of all) {
    it(`${s.file} runs`, async () => {
      await rm('/tmp/checkpoint', { recursive: true, force: true });
      const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [join(dir, s.file)], { cwd: root, timeout: 60_000 });
      expect(stdout.length).toBeGreaterThan(0);
    }, 90_000);
  }
});
