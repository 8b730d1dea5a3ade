/**
 * JSON files landing in a directory, printed batch by batch (Spark's file source → console).
 * Files are published the way the file source expects: written under a hidden name, then renamed
 * into the watched directory. The query is woken by the file watcher, not by polling.
 *
 *   pnpm tsx examples/files-to-console.ts              # drops three files into a temp directory
 *   pnpm tsx examples/files-to-console.ts /data/in     # watches your directory until Ctrl-C
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { col, filter, type StreamingQuery } from '@sluice/core';
import { fileSource } from '@sluice/sources';
import { consoleSink } from '@sluice/sinks';

/** Start the query: new JSON files in `dir` (clicks only) to `write` (stdout by default). */
export async function startFilesToConsole(dir: string, write?: (text: string) => void): Promise<StreamingQuery> {
  const events = fileSource({ format: 'json', path: dir, schema: 'user STRING, action STRING, at TIMESTAMP', maxFilesPerTrigger: 10 })
    .pipe(filter(col('action').eq('click')));
  return events.writeTo(consoleSink({ truncate: false, ...(write ? { write } : {}) }), { queryName: 'files_to_console' });
}

/** Publish a file atomically: a hidden temp name, then rename (what upstream writers should do). */
export async function dropFile(dir: string, name: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const temp = join(dir, `.${name}.tmp`);
  await writeFile(temp, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await rename(temp, join(dir, name));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const given = process.argv[2];
  const dir = given ?? (await mkdtemp(join(tmpdir(), 'sluice-files-to-console-')));
  const query = await startFilesToConsole(dir);
  if (given) {
    console.error(`Watching ${dir} for JSON files (user, action, at); Ctrl-C to stop.`);
    process.once('SIGINT', () => void query.stop());
  } else {
    for (const [i, user] of ['ada', 'grace', 'linus'].entries()) {
      await dropFile(dir, `events-${i}.json`, [
        { user, action: 'click', at: `2026-01-0${i + 1}T10:00:00Z` },
        { user, action: 'scroll', at: `2026-01-0${i + 1}T10:00:01Z` },
      ]);
      await query.processAllAvailable();
    }
    console.error(`Last progress: ${JSON.stringify(query.lastProgress?.sources[0])}`);
    await query.stop();
    await rm(dir, { recursive: true, force: true });
  }
  await query.awaitTermination();
}
