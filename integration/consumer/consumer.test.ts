/**
 * The packages as a user gets them: every published package packed once (as the registry would
 * serve it), installed with npm into fresh projects outside the workspace, and used on Node 20
 * and on Node 24 — (a) plain `node` runs pipelines with exact results and exits by itself,
 * (b) `tsc` strict/nodenext over code using every package's public API reports nothing, (c) the
 * user's own vitest test (whatever `npm i -D vitest` installs on that Node line) passes with
 * @sluice/testing, (d) a files-only app installs neither kafkajs nor pg nor parquet-wasm, runs,
 * and is told which package to add for each connector it lacks.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedPackages } from '../../scripts/build/packages.ts';
import {
  currentNode, expectSuccess, fixtures, freshProject, installedPackages, node24, npmInstall, packAll, resultOf, root, run, type NodeLine,
} from './support.ts';

const lines: NodeLine[] = [currentNode, node24()];
/**
 * Libraries a user adds for the connectors and integrations they use (kafkajs, pg, parquet-wasm,
 * OpenTelemetry …): every package's optional peers, at their declared ranges (vitest aside: the
 * user's own `npm i -D vitest` picks that one).
 */
function optionalPeers(): string[] {
  const specs = new Map<string, string>();
  for (const pkg of publishedPackages(root)) {
    const peers = (pkg.manifest['peerDependencies'] ?? {}) as Record<string, string>;
    const meta = (pkg.manifest['peerDependenciesMeta'] ?? {}) as Record<string, { optional?: boolean }>;
    for (const [name, range] of Object.entries(peers)) if (meta[name]?.optional && name !== 'vitest') specs.set(name, `${name}@${range}`);
  }
  return [...specs.values()];
}
const TYPES_NODE = '@types/node'; // what `npm i -D @types/node` picks, as vitest's own peer range expects
const tsc = join(root, 'node_modules', 'typescript', 'lib', 'tsc.js');

const projects = new Map<string, string>();
let filesOnly = '';
let tarballs = new Map<string, string>();

/** Each public entry point of each package (package.json `exports` minus ./package.json and ./internal). */
function publicEntryPoints(): string[] {
  return publishedPackages(root).flatMap((pkg) =>
    Object.keys(pkg.manifest['exports'] as Record<string, unknown>)
      .filter((key) => key !== './package.json' && !key.endsWith('/internal'))
      .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`)));
}

/** Loads every public entry point, so tsc checks every shipped declaration a user can reach. */
function allExportsModule(): string {
  return publicEntryPoints().map((spec, i) => `import * as entry${i} from '${spec}';\nexport type Entry${i} = typeof entry${i};`).join('\n') + '\n';
}

/** `names` and the @sluice packages they depend on (not on the registry: they must come as tarballs too). */
function sluiceClosure(names: string[]): string[] {
  const manifests = new Map(publishedPackages(root).map((pkg) => [pkg.name, pkg.manifest]));
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    out.add(name);
    const manifest = manifests.get(name)!;
    const optional = (manifest['peerDependenciesMeta'] ?? {}) as Record<string, { optional?: boolean }>;
    const deps = { ...(manifest['dependencies'] as object), ...(manifest['peerDependencies'] as object) } as Record<string, string>;
    for (const dep of Object.keys(deps)) if (dep.startsWith('@sluice/') && !optional[dep]?.optional) visit(dep);
  };
  names.forEach(visit);
  return [...out];
}

const TSCONFIG = JSON.stringify({
  compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: ['node'] },
  files: ['consumer.ts', 'all-exports.ts'],
});

beforeAll(async () => {
  const started = Date.now();
  const lap = (what: string) => console.log(`consumer: ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
  tarballs = await packAll(join(root, '.tmp', 'consumer-packs'));
  lap('built and packed');
  const fixture = async (name: string) => readFile(join(fixtures, name), 'utf8');
  const files = {
    'app.mjs': await fixture('app.mjs'),
    'consumer.ts': await fixture('consumer.ts'),
    'all-exports.ts': allExportsModule(),
    'tsconfig.json': TSCONFIG,
    'marbles.test.ts': await fixture('marbles.consumer-test.ts'),
  };
  const all = [...tarballs.values()];
  const filesOnlyTarballs = sluiceClosure(['@sluice/core', '@sluice/sources', '@sluice/sinks']).map((name) => tarballs.get(name)!);
  // One project per Node line, installed with that line's npm, as a user would: vitest first (so
  // it is the version `npm i -D vitest` picks there), then Sluice and the connector libraries.
  await Promise.all([
    ...lines.map(async (line) => {
      const dir = await freshProject(line.name.replace(' ', ''), files);
      expectSuccess(await npmInstall(line, dir, ['vitest'], true), `${line.name}: npm i -D vitest`);
      lap(`${line.name}: vitest installed`);
      expectSuccess(await npmInstall(line, dir, [...all, ...optionalPeers(), TYPES_NODE]), `${line.name}: npm install the tarballs`);
      projects.set(line.name, dir);
      lap(`${line.name}: tarballs installed`);
    }),
    (async () => {
      filesOnly = await freshProject('files-only', { 'app.mjs': await fixture('files-only.mjs') });
      expectSuccess(await npmInstall(currentNode, filesOnly, filesOnlyTarballs), 'files-only: npm install');
      lap('files-only installed');
    })(),
  ]);
}, 1_500_000); // ~1 min alone; minutes when the whole suite (or other work) shares two cores

afterAll(async () => {
  await Promise.all([...projects.values(), filesOnly].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.each(lines.map((line) => [line.name, line] as const))('installed from the tarballs, on %s', (_name, line) => {
  const dir = () => projects.get(line.name)!;

  it('(a) plain node runs rate → memory, the README fluent example, Parquet workers, avro, protobuf, RocksDB state, the UI and the sluice bin, exactly, and exits by itself', async () => {
    const result = expectSuccess(await run(line, 'node', ['app.mjs'], dir(), 60_000), `${line.name} app.mjs`);
    expect(resultOf(result)).toEqual({
      squares: ['0:0', '1:1', '2:4', '3:9', '4:16'],
      fluent: [{ batchId: 0, input: 10, output: 4 }],
      parquet: { rows: 150_000, last: 149_999 },
      testing: 'function',
      avro: ['1:9.5', '2:20'],
      protobuf: ['1:9.5', '2:20'],
      rocksdb: { rows: 4, stateRows: 4 },
      ui: { page: 200, live: 200, inputRows: '3' },
      cli: { validate: true, state: true },
    });
    expect(result.stdout).toContain('Batch: 0');
  }, 90_000);

  it('(b) tsc --strict, nodenext, no skipLibCheck: no error over every public entry point', async () => {
    // ~40 s alone; minutes when the whole suite (or other work) shares two cores.
    const result = await run(line, 'node', [tsc, '-p', 'tsconfig.json'], dir(), 400_000);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 420_000);

  it('(c) the user\'s vitest test with sluiceMarbles passes, with the vitest npm installed for this Node', async () => {
    const { version } = JSON.parse(await readFile(join(dir(), 'node_modules', 'vitest', 'package.json'), 'utf8')) as { version: string };
    const result = await run(line, 'node', [join('node_modules', 'vitest', 'vitest.mjs'), 'run', 'marbles.test.ts'], dir(), 120_000);
    expectSuccess(result, `${line.name} vitest ${version}`);
    expect(result.stdout).toMatch(/Tests\s+2 passed/);
    console.log(`${line.name}: npm i -D vitest installed vitest ${version}; the marble test passed`);
  }, 150_000);
});

describe('(d) a files-only consumer', () => {
  it('installs neither kafkajs nor pg nor parquet-wasm', async () => {
    const { bytes, names } = await installedPackages(filesOnly);
    for (const absent of ['kafkajs', 'pg', 'pg-copy-streams', 'parquet-wasm']) expect(names).not.toContain(absent);
    expect(names).toEqual(expect.arrayContaining(['@sluice/core', '@sluice/sources', '@sluice/sinks', 'apache-arrow', 'rxjs', 'xstate']));
    console.log(`files-only consumer: ${names.length} packages, ${(bytes / 1024 / 1024).toFixed(1)} MB in node_modules`);
    await writeFile(join(root, '.tmp', 'consumer-packs', 'files-only-size.json'), JSON.stringify({ bytes, names }));
  });

  it('runs files → memory and files → json, and names the npm package each missing connector needs', async () => {
    const result = resultOf(expectSuccess(await run(currentNode, 'node', ['app.mjs'], filesOnly, 60_000), 'files-only app.mjs'));
    expect(result['memory']).toEqual([1, 3]);
    expect(result['jsonFiles']).toBe(3);
    expect(result['kafka']).toMatch(/MISSING_DEPENDENCY.*The Kafka source and sink needs the npm package 'kafkajs'.*npm install kafkajs/);
    expect(result['postgres']).toMatch(/^MISSING_DEPENDENCY: .*The postgres sink needs the npm package 'pg'.*npm install pg/);
    expect(result['parquet']).toMatch(/^MISSING_DEPENDENCY: .*Reading and writing Parquet .* needs the npm package 'parquet-wasm'.*npm install parquet-wasm/);
    expect(JSON.stringify(result)).not.toContain('secret');
  }, 90_000);
});
