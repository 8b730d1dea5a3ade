#!/usr/bin/env node
// The `sluice` command. A built package runs dist/bin.js; the Sluice workspace runs the
// TypeScript source through tsx (a devDependency there).
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/bin.ts', import.meta.url).href);
}
