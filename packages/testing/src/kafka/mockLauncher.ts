import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native');

/** The launcher's C source: shipped in the npm package (`native/kafka-mock.c`), compiled on first use. */
export const LAUNCHER_SOURCE = join(nativeDir, 'kafka-mock.c');
/** Where `scripts/setup.d/20-kafka.sh` compiles it in the Sluice repository (git-ignored, never shipped). */
export const WORKSPACE_LAUNCHER = join(nativeDir, 'build', 'kafka-mock');

/** Where librdkafka's mock-cluster header is looked for (Debian, Homebrew on Intel and on Apple silicon). */
const INCLUDE_DIRS = ['/usr/include', '/usr/local/include', '/opt/homebrew/include'];

/** Which packages to install, per system, when librdkafka or a compiler is missing. */
export const INSTALL_HINT =
  'On Debian or Ubuntu: `sudo apt-get install librdkafka-dev gcc libc6-dev`. With Homebrew (macOS): `brew install librdkafka` ' +
  '(and `xcode-select --install` for a C compiler). Or set SLUICE_KAFKA_BROKERS=host:port to test against a running Kafka instead.';

export interface LauncherOptions {
  /** Where compiled launchers are kept (default: `$SLUICE_CACHE_DIR`, else the user's cache directory + `/sluice`). */
  readonly cacheDir?: string;
  /** Use the repository's `native/build/kafka-mock` when it is up to date (default true). */
  readonly useWorkspaceBuild?: boolean;
  /** The C compiler (default: `$CC`, else `cc`). */
  readonly compiler?: string;
}

let building: Promise<string> | undefined;

/**
 * The path of the compiled mock-broker launcher. In the Sluice repository that is the one
 * `scripts/setup.d/20-kafka.sh` built; installed from npm, the shipped C source is compiled on
 * first use into a cache directory outside node_modules (named by the source's hash, so two
 * versions never share a binary), and a missing librdkafka or compiler is reported with the
 * packages to install. Concurrent callers share one build; the binary is renamed into place so a
 * half-written file is never executed.
 */
export function ensureLauncher(options: LauncherOptions = {}): Promise<string> {
  if (Object.keys(options).length > 0) return build(options);
  building ??= build(options).finally(() => {
    building = undefined;
  });
  return building;
}

async function build(options: LauncherOptions): Promise<string> {
  if ((options.useWorkspaceBuild ?? true) && (await isUpToDate(WORKSPACE_LAUNCHER))) return WORKSPACE_LAUNCHER;
  const source = await readFile(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const binary = join(options.cacheDir ?? defaultCacheDir(), `kafka-mock-${hash}`);
  if (await isExecutable(binary)) return binary;

  const includeDir = await findHeader();
  await mkdir(dirname(binary), { recursive: true });
  const temporary = `${binary}.${process.pid}.tmp`;
  const compiler = options.compiler ?? process.env['CC'] ?? 'cc';
  const libDir = includeDir.replace(/include$/, 'lib');
  try {
    await run(compiler, ['-O2', '-Wall', `-I${includeDir}`, '-o', temporary, LAUNCHER_SOURCE, `-L${libDir}`, '-lrdkafka']);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw new Error(`The Kafka test broker is compiled on first use, and no C compiler was found ('${compiler}'). ${INSTALL_HINT}`);
    }
    throw new Error(`Compiling the Kafka test broker (${LAUNCHER_SOURCE}) failed: ${(error as { stderr?: string }).stderr ?? String(error)}${INSTALL_HINT}`);
  }
  await rename(temporary, binary);
  return binary;
}

/** `$SLUICE_CACHE_DIR`, else `$XDG_CACHE_HOME/sluice`, `~/Library/Caches/sluice` on macOS, `~/.cache/sluice`. */
export function defaultCacheDir(): string {
  const explicit = process.env['SLUICE_CACHE_DIR'];
  if (explicit) return explicit;
  const xdg = process.env['XDG_CACHE_HOME'];
  if (xdg) return join(xdg, 'sluice');
  return process.platform === 'darwin' ? join(homedir(), 'Library', 'Caches', 'sluice') : join(homedir(), '.cache', 'sluice');
}

async function findHeader(): Promise<string> {
  for (const dir of INCLUDE_DIRS) {
    try {
      await access(join(dir, 'librdkafka', 'rdkafka_mock.h'), constants.R_OK);
      return dir;
    } catch {
      // next candidate
    }
  }
  throw new Error(`The Kafka test broker needs librdkafka's development files (rdkafka_mock.h, looked for in ${INCLUDE_DIRS.join(', ')}). ${INSTALL_HINT}`);
}

async function isUpToDate(binary: string): Promise<boolean> {
  try {
    const [built, source] = await Promise.all([stat(binary), stat(LAUNCHER_SOURCE)]);
    return built.mtimeMs >= source.mtimeMs && (built.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function isExecutable(binary: string): Promise<boolean> {
  try {
    await access(binary, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
