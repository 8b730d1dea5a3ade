import { readFile } from 'node:fs/promises';

/** The page's script and stylesheet, bundled at build time (uPlot included): nothing is fetched from a CDN. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

const FILES: Readonly<Record<string, string>> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };

/** `packages/ui/assets/`, beside `src/` (and beside `dist/` in the published package). */
export const ASSETS_DIR = new URL('../../assets/', import.meta.url);

/** Read the bundled assets once; a missing one (a workspace without `pnpm --filter @sluice/ui build`) is left out. */
export async function loadAssets(dir: URL = ASSETS_DIR): Promise<Map<string, Asset>> {
  const out = new Map<string, Asset>();
  for (const [name, type] of Object.entries(FILES)) {
    const body = await readFile(new URL(name, dir)).catch(() => undefined);
    if (body) out.set(name, { body, type });
  }
  return out;
}
