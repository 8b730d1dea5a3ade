/**
 * Bundle the page's script and stylesheet (uPlot included) into `assets/`, which the package
 * ships: the UI never loads anything from a CDN, so it works on a machine without internet.
 * Run by `pnpm --filter @sluice/ui build`; the UI's tests call `buildAssets()` themselves.
 */
import { build } from 'esbuild';
import { copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildAssets(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: { app: 'src/client/main.ts' },
    outdir: 'assets',
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    legalComments: 'eof',
    logLevel: 'warning',
  });
  // uPlot is MIT-licensed: its licence travels with the bundle that contains it.
  const uplotLicense = createRequire(import.meta.url).resolve('uplot/package.json').replace(/package\.json$/, 'LICENSE');
  await copyFile(uplotLicense, `${root}/assets/uPlot.LICENSE.txt`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildAssets();
