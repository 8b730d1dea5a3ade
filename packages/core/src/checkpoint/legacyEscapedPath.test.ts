import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { refuseLegacyEscapedPath, sparkLegacyEscapedPath } from './legacyEscapedPath.ts';

describe("Spark 2.4's escaped paths (SPARK-26824)", () => {
  it('escapes as java.net.URI quotes a path: space, % and # are quoted, @ and URI punctuation are not', () => {
    expect(sparkLegacyEscapedPath('/t/output %@#output/_spark_metadata')).toBe('/t/output%20%25@%23output/_spark_metadata');
    expect(sparkLegacyEscapedPath('/t/chk %@#chk', 3)).toBe('/t/chk%252520%252525@%252523chk');
    expect(sparkLegacyEscapedPath("/foo/bar-_.!~*'(),;:$&+=@")).toBe("/foo/bar-_.!~*'(),;:$&+=@");
    expect(sparkLegacyEscapedPath('/données/a?b')).toBe('/données/a%3Fb');
  });

  it('refuses only when the escaped twin exists as a directory, naming both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-escaped-'));
    await expect(refuseLegacyEscapedPath(join(dir, 'a b'), 1, 'checkpoint')).resolves.toBeUndefined();
    await expect(refuseLegacyEscapedPath(join(dir, 'plain'), 1, 'checkpoint')).resolves.toBeUndefined();
    await mkdir(join(dir, 'a%20b'));
    const error = await refuseLegacyEscapedPath(join(dir, 'a b'), 1, 'checkpoint').catch((e: unknown) => e as Error);
    expect(isSluiceError(error, 'CHECKPOINT_MISMATCH'), String(error)).toBe(true);
    expect((error as Error).message).toContain(join(dir, 'a b'));
    expect((error as Error).message).toContain(join(dir, 'a%20b'));
  });
});
