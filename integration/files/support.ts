import { mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedCrash, type FaultInjector, type FaultPhase, type FaultPoint } from '@sluice/core';

const dirs: string[] = [];

export async function tempDir(prefix = 'sluice-files-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Publish a file by rename, the way the file source expects writers to (mtime set for ordering). */
export async function landFile(dir: string, name: string, content: string | Uint8Array, mtimeMs?: number): Promise<string> {
  const temp = join(dir, `.${name}.tmp`);
  await writeFile(temp, content);
  if (mtimeMs !== undefined) await utimes(temp, mtimeMs / 1000, mtimeMs / 1000);
  const path = join(dir, name);
  await rename(temp, path);
  return path;
}

export const jsonLines = (rows: readonly Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Crash once at `point`/`phase` of batch `batchId` (any batch for initialize and sink points). */
export function crashAt(point: FaultPoint, phase: FaultPhase, batchId: number): FaultInjector & { fired: boolean } {
  const injector = {
    fired: false,
    at(p: FaultPoint, ph: FaultPhase, b: number) {
      if (injector.fired || p !== point || ph !== phase) return;
      if (b !== batchId && point !== 'initialize') return;
      injector.fired = true;
      throw new SimulatedCrash(`${phase}:${point}`);
    },
  };
  return injector;
}
