/**
 * `pnpm build`: every published package into its dist/ — tsc -b (dependency order, incremental)
 * for .js, .d.ts and maps, then the plain-JS modules (Parquet workers) with their .d.ts copied
 * beside, and relative `.ts` specifiers in the emitted .d.ts rewritten to `.js` (tsc's
 * rewriteRelativeImportExtensions rewrites only the .js), and each package's own `scripts.build` if it
 * has one (the UI's browser bundle). Run with `--clean` to start over.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedPackages } from './packages.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packages = publishedPackages(root);
const missing = packages.filter((pkg) => !existsSync(join(pkg.dir, 'tsconfig.build.json')));
if (missing.length > 0) {
  console.error(`build: ${missing.map((p) => p.name).join(', ')} ha${missing.length === 1 ? 's' : 've'} no tsconfig.build.json (see CONTRIBUTING.md, "Adding a package").`);
  process.exit(1);
}
if (process.argv.includes('--clean')) for (const pkg of packages) rmSync(join(pkg.dir, 'dist'), { recursive: true, force: true });

const started = Date.now();
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-b', ...packages.map((pkg) => join(pkg.dir, 'tsconfig.build.json'))], { stdio: 'inherit', cwd: root });
if (result.status !== 0) process.exit(result.status ?? 1);

for (const pkg of packages) {
  // A package with its own build step (the UI's browser bundle) declares it as scripts.build.
  const scripts = pkg.manifest['scripts'] as Record<string, string> | undefined;
  if (scripts?.['build']) {
    const own = spawnSync('pnpm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: pkg.dir });
    if (own.status !== 0) process.exit(own.status ?? 1);
  }
  const src = join(pkg.dir, 'src');
  const dist = join(pkg.dir, 'dist');
  for (const file of walk(src)) {
    if (isDevOnly(relative(src, file))) continue;
    if (file.endsWith('.js') || file.endsWith('.d.ts')) {
      const target = join(dist, relative(src, file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
  }
  for (const file of walk(dist)) {
    if (isStale(relative(dist, file), src)) rmSync(file);
    else if (file.endsWith('.d.ts')) rewriteSpecifiers(file);
  }
}
console.log(`build: ${packages.length} packages in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** Tests and `testing/` folders inside a package's src are never built or shipped. */
function isDevOnly(path: string): boolean {
  return /\.test\.[jt]s$/.test(path) || /(^|\/)testing\//.test(path);
}

/** An output whose source is gone or dev-only (tsc -b never deletes what it emitted before). */
function isStale(output: string, src: string): boolean {
  if (output === '.tsbuildinfo') return false;
  const base = output.replace(/(\.d)?\.(js|ts)(\.map)?$/, '');
  if (isDevOnly(`${base}.ts`)) return true;
  return !existsSync(join(src, `${base}.ts`)) && !existsSync(join(src, `${base}.js`));
}

function rewriteSpecifiers(file: string): void {
  const text = readFileSync(file, 'utf8');
  const out = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');
  if (out !== text) writeFileSync(file, out);
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}
