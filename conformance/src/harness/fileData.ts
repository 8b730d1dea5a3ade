import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, type StreamAction } from './streamTest.ts';

/** Spark's `withTempDirs`: a source directory and a scratch directory files are written in first. */
export async function tempDirs(): Promise<{ root: string; src: string; tmp: string }> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-conf-files-'));
  const src = join(root, 'src');
  const tmp = join(root, 'tmp');
  await mkdir(src);
  await mkdir(tmp);
  return { root, src, tmp };
}

/**
 * Spark's `AddTextFileData(content, src, tmp, prefix)`: the text is written to a new file in `tmp`
 * (named `<prefix>-<uuid>`, as `Utils.tempFileWith`) and renamed into `src`, which is created when
 * missing — a file appears whole, as Spark's tests publish them.
 */
export async function writeTextFile(content: string, src: string, tmp: string, prefix = 'text'): Promise<string> {
  const name = `${prefix}-${randomUUID()}`;
  const scratch = join(tmp, name);
  await writeFile(scratch, content);
  await mkdir(src, { recursive: true });
  const target = join(src, name);
  await rename(scratch, target);
  return target;
}

/** `AddTextFileData` as a stream action. */
export function addTextFileData(content: string, src: string, tmp: string, prefix = 'text'): StreamAction {
  return execute(async () => {
    await writeTextFile(content, src, tmp, prefix);
  }, `AddTextFileData(${JSON.stringify(content)})`);
}
