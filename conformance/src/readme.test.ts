import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/** `<Suite> :: <test>` of every `spark.deviation(...)` call in the suites, read from their source. */
async function deviationScenarios(): Promise<string[]> {
  const dir = new URL('./suites/', import.meta.url);
  const found: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.test.ts'))) {
    const text = await readFile(new URL(file, dir), 'utf8');
    const suiteName = /suite\('([^']+)'\)/.exec(text)?.[1];
    for (const m of text.matchAll(/\.deviation\(\s*(['`])(.+?)\1/g)) found.push(`${suiteName} :: ${m[2]}`);
  }
  return found;
}

describe('conformance/README.md', () => {
  it('lists exactly the deviation scenarios, fewer than 15', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Deliberate deviations'));
    const rows = [...table.matchAll(/^\| ([^|]+ :: [^|]+?) \|/gm)].map((m) => m[1]!.trim());
    expect(rows.sort()).toEqual((await deviationScenarios()).sort());
    expect(rows.length).toBeLessThan(15);
  });
});
