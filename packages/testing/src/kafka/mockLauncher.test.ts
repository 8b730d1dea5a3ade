import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLauncher, INSTALL_HINT } from './mockLauncher.ts';

describe('the Kafka mock launcher, as a package installed from npm builds it', () => {
  const dirs: string[] = [];
  const cacheDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-launcher-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it.skipIf(process.env['SLUICE_KAFKA_BROKERS'])('compiles the shipped C source once into the cache directory, outside the package', async () => {
    const dir = await cacheDir();
    const binary = await ensureLauncher({ cacheDir: dir, useWorkspaceBuild: false });
    expect(binary.startsWith(dir)).toBe(true);
    expect(binary).toMatch(/kafka-mock-[0-9a-f]{12}$/);
    const built = await stat(binary);
    expect(built.mode & 0o111).not.toBe(0);
    expect(await ensureLauncher({ cacheDir: dir, useWorkspaceBuild: false })).toBe(binary);
    expect((await stat(binary)).mtimeMs).toBe(built.mtimeMs); // not rebuilt
  });

  it('names the packages to install when there is no C compiler', async () => {
    const error = await ensureLauncher({ cacheDir: await cacheDir(), useWorkspaceBuild: false, compiler: '/nonexistent/cc' }).catch((e: Error) => e);
    expect((error as Error).message).toContain('no C compiler was found');
    expect((error as Error).message).toContain(INSTALL_HINT);
    expect(INSTALL_HINT).toContain('apt-get install librdkafka-dev gcc libc6-dev');
    expect(INSTALL_HINT).toContain('brew install librdkafka');
  });
});
