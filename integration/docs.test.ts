/**
 * `pnpm run docs --check` in the suite: every export of every public entry point has TSDoc, every
 * function and class of a package's main entry point shows an @example, every link resolves.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

it('the API reference builds with no undocumented public export', async () => {
  const result = await run(join(root, 'node_modules/.bin/tsx'), ['scripts/docs/docs.ts', '--check'], { cwd: root, maxBuffer: 16 << 20 })
    .catch((error: { stdout: string; stderr: string }) => error);
  expect(result.stderr.replace(/\x1b\[[0-9;]*m/g, '')).toBe('');
  expect(result.stdout).toMatch(/^docs: \d+ entry points, \d+ documented exports/m);
}, 300_000);
