import { execFile } from 'node:child_process';
import { access, mkdir, rename, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native');

/** Where `scripts/setup.d/20-kafka.sh` puts the compiled launcher. */
export const LAUNCHER_SOURCE = join(nativeDir, 'kafka-mock.c');
export const LAUNCHER_BINARY = join(nativeDir, 'build', 'kafka-mock');
const RDKAFKA_MOCK_HEADER = '/usr/include/librdkafka/rdkafka_mock.h';

let building: Promise<string> | undefined;

/**
 * The path of the compiled mock-broker launcher, compiling it first when the set-up script has
 * not run (or the C source is newer). Concurrent callers share one build; the binary is
 * renamed into place so a half-written file is never executed.
 */
export function ensureLauncher(): Promise<string> {
  building ??= build().finally(() => {
    building = undefined;
  });
  return building;
}

async function build(): Promise<string> {
  if (await isUpToDate()) return LAUNCHER_BINARY;
  try {
    await access(RDKAFKA_MOCK_HEADER, constants.R_OK);
  } catch {
    throw new Error(
      'The Kafka test broker needs librdkafka-dev (librdkafka\'s mock cluster). Run `bash scripts/setup.d/20-kafka.sh` ' +
        '(it installs it with apt-get as root), or set SLUICE_KAFKA_BROKERS=host:port to test against a running Kafka.',
    );
  }
  await mkdir(dirname(LAUNCHER_BINARY), { recursive: true });
  const temporary = `${LAUNCHER_BINARY}.${process.pid}.tmp`;
  try {
    await run('cc', ['-O2', '-Wall', '-o', temporary, LAUNCHER_SOURCE, '-lrdkafka']);
  } catch (error) {
    throw new Error(`Compiling ${LAUNCHER_SOURCE} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  await rename(temporary, LAUNCHER_BINARY);
  return LAUNCHER_BINARY;
}

async function isUpToDate(): Promise<boolean> {
  try {
    const [binary, source] = await Promise.all([stat(LAUNCHER_BINARY), stat(LAUNCHER_SOURCE)]);
    return binary.mtimeMs >= source.mtimeMs && (binary.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
