import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** A workspace package that is published: its folder and package.json. */
export interface PublishedPackage {
  readonly dir: string;
  readonly name: string;
  readonly manifest: Record<string, unknown>;
}

/**
 * Every package under `packages/` that is not private, in folder order. New packages appear here
 * on their own: the build, the consumer test and the API reference all start from this list.
 */
export function publishedPackages(root: string): PublishedPackage[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      return { dir, name: String(manifest['name']), manifest };
    })
    .filter((pkg) => pkg.manifest['private'] !== true);
}
