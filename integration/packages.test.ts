/**
 * Every published package (packages/* without "private") follows the conventions of
 * CONTRIBUTING.md "Adding a package", so that it builds, packs and installs like the others. Fast:
 * reads manifests only; the consumer test proves the tarballs themselves.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publishedPackages } from '../scripts/build/packages.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const execFileAsync = promisify(execFile);

/** What `npm pack` would put in each package's tarball (dry runs, all at once: each takes seconds). */
let packLists: Map<string, Promise<string[]>> | undefined;
function packedFiles(dir: string): Promise<string[]> {
  packLists ??= new Map(publishedPackages(root).map((pkg) => [pkg.dir, execFileAsync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkg.dir, maxBuffer: 16 << 20 })
    .then(({ stdout }) => (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path))]));
  return packLists.get(dir)!;
}

describe.each(publishedPackages(root).map((pkg) => [pkg.name, pkg] as const))('%s', (_name, pkg) => {
  const m = pkg.manifest as Record<string, any>;

  it('has the metadata npm shows: license, description, repository, keywords, engines, a README', () => {
    expect(m['license']).toBe('Apache-2.0');
    expect(String(m['description'] ?? '').length).toBeGreaterThan(20);
    expect(m['repository']).toMatchObject({ type: 'git', directory: pkg.dir.slice(root.length + 1) });
    expect((m['keywords'] ?? []).length).toBeGreaterThan(0);
    expect(m['engines']).toEqual({ node: '>=20.19' });
    expect(m['type']).toBe('module');
    expect(typeof m['sideEffects']).toBe('boolean');
    expect(existsSync(join(pkg.dir, 'README.md'))).toBe(true);
  });

  it('exports sources in the workspace and dist/ when packed, with the same entry points', () => {
    const exports = m['exports'] as Record<string, string>;
    const published = m['publishConfig']?.['exports'] as Record<string, unknown>;
    expect(Object.keys(published)).toEqual(Object.keys(exports));
    for (const [key, target] of Object.entries(exports)) {
      if (key === './package.json') continue;
      expect(target).toMatch(/^\.\/src\/.+\.ts$/);
      expect(existsSync(join(pkg.dir, target))).toBe(true);
      const dist = target.replace('./src/', './dist/').replace(/\.ts$/, '');
      expect(published[key]).toEqual({ types: `${dist}.d.ts`, import: `${dist}.js` });
    }
    expect(m['publishConfig']['access']).toBe('public');
  });

  it('ships dist, not tests or dev helpers, and builds with tsc -b', () => {
    expect(m['files']).toEqual(expect.arrayContaining(['dist', '!dist/.tsbuildinfo', '!dist/**/fixtures', '!src/**/*.test.ts', '!src/**/testing', '!src/**/fixtures', 'README.md', 'LICENSE']));
    const build = JSON.parse(readFileSync(join(pkg.dir, 'tsconfig.build.json'), 'utf8')) as { extends: string; exclude: string[] };
    expect(build.extends).toBe('../../tsconfig.package.json');
    expect(build.exclude).toEqual(expect.arrayContaining(['src/**/*.test.ts', 'src/**/testing/**', 'src/**/fixtures/**']));
  });

  it('packs no test, fixture, test helper, build info or binary (what npm would publish)', async () => {
    const files = await packedFiles(pkg.dir); // (pnpm pack adds the repository's LICENSE; npm's dry run does not)
    expect(files).toContain('README.md');
    expect(files.filter((path) => /\.test\.|(^|\/)(fixtures|testing)\/|\.tsbuildinfo$|\.(bin|node|so|o)$|native\/build\//.test(path))).toEqual([]);
  }, 300_000); // the first waits for all eleven dry runs (a few seconds each alone)

  it('shares one @sluice/core with the app (a peer), and other @sluice packages by semver range', () => {
    const deps = { ...m['dependencies'] } as Record<string, string>;
    if (pkg.name !== '@sluice/core') {
      expect(deps['@sluice/core']).toBeUndefined();
      expect(m['peerDependencies']?.['@sluice/core']).toBe('workspace:^');
    }
    for (const [name, range] of Object.entries(deps)) if (name.startsWith('@sluice/')) expect(range).toBe('workspace:^');
  });
});
