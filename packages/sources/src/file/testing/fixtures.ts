import { mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { Checkpoint, VirtualScheduler } from '@sluice/core/internal';
import { concatTables, type Source, type SourceContext } from '@sluice/core/connector';
import { silentLogger, tableToRows, type CheckpointStore, type Logger, type SourceProvider } from '@sluice/core';
import type { FileSourceOffset } from '../fileSource.ts';

const dirs: string[] = [];

export async function tempDir(prefix = 'sluice-file-source-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Publish a file the way well-behaved writers do: a hidden temp name, then rename. mtime is set for ordering. */
export async function landFile(dir: string, name: string, content: string | Uint8Array, mtimeMs?: number): Promise<string> {
  const temp = join(dir, `.${name}.tmp`);
  await writeFile(temp, content);
  if (mtimeMs !== undefined) await utimes(temp, mtimeMs / 1000, mtimeMs / 1000);
  const path = join(dir, name);
  await rename(temp, path);
  return path;
}

export const jsonLines = (rows: readonly Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export type FileSourceUnderTest = Source<FileSourceOffset>;

/** Open a provider as the engine would, on a virtual clock and the given checkpoint store. */
export async function openSource(provider: SourceProvider, store: CheckpointStore, clock = new VirtualScheduler(1_000_000), log: Logger = silentLogger): Promise<FileSourceUnderTest> {
  const context: SourceContext = { queryId: 'q', runId: 'r', sourceIndex: 0, metadata: new Checkpoint(store).sourceMetadata(0), scheduler: clock, log };
  return (await provider.open(context)) as FileSourceUnderTest;
}

/** The rows of (start, end], as plain objects. */
export async function readRows(source: FileSourceUnderTest, start: FileSourceOffset, end: FileSourceOffset): Promise<Record<string, unknown>[]> {
  const tables = await lastValueFrom(source.read(start, end).pipe(toArray()));
  return tableToRows(concatTables(source.schema, tables));
}
