/**
 * `pnpm bench [filter]`: runs every bench/*.bench.ts (or those whose name contains the filter)
 * one after another and prints each figure beside its baseline from the same run.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ratioOf, type Bench, type Measurement } from './lib/bench.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
const results: Measurement[] = [];

for (const file of files) {
  const { bench } = (await import(join(here, file))) as { bench: Bench };
  process.stderr.write(`\n▶ ${bench.name} (${file})\n`);
  await bench.run({
    report: (m) => {
      results.push(m);
      process.stdout.write(`${formatLine(m)}\n`);
    },
    progress: (message) => process.stderr.write(`  … ${message}\n`),
  });
}

process.stdout.write(`\n${'='.repeat(100)}\nSummary\n`);
for (const m of results) process.stdout.write(`${formatLine(m)}\n`);

function formatLine(m: Measurement): string {
  const ratio = ratioOf(m);
  const value = `${formatNumber(m.value)} ${m.unit}`;
  const base = m.baseline ? `  vs ${m.baseline.name}: ${formatNumber(m.baseline.value)} ${m.unit}` : '';
  const r = ratio === undefined ? '' : `  ratio ${ratio.toFixed(2)}×`;
  const target = m.target ? `  (target ${m.target})` : '';
  return `${m.name.padEnd(48)} ${value}${base}${r}${target}`;
}

function formatNumber(n: number): string {
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(3);
}
