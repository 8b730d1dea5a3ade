import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { describeError } from '@sluice/core/connector';
import { SluiceError } from '@sluice/core';
import { normalizeJob, type JobDefinition } from './job.ts';

const DATA = new Set(['.json', '.yaml', '.yml']);
const CODE = new Set(['.js', '.mjs', '.cjs']);
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/**
 * Read a job file: JSON or YAML (one query, a list, or `{ queries, restart }`; `${VAR}` in a
 * string is taken from the environment, so secrets stay out of the file), or a JavaScript /
 * TypeScript module whose default export is the job.
 *
 * @example
 * const job = await loadJob('jobs/events.yaml');
 */
export async function loadJob(file: string, env: NodeJS.ProcessEnv = process.env): Promise<JobDefinition> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  if (DATA.has(ext)) {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new SluiceError('JOB_NOT_FOUND', `No job file at ${path}.`) : error;
    });
    return normalizeJob(interpolate(parseData(text, ext, file), env, file), file);
  }
  if (CODE.has(ext) || TYPESCRIPT.has(ext)) {
    const module = await importJob(path, TYPESCRIPT.has(ext));
    return normalizeJob(module.default ?? module['job'], file);
  }
  throw new SluiceError('INVALID_JOB', `Cannot read a job from ${file}: use a .json, .yaml, .js or .ts file.`);
}

function parseData(text: string, ext: string, file: string): unknown {
  try {
    return ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    throw new SluiceError('INVALID_JOB', `${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}${where}: ${describeError(error).split('\n')[0]}`, { cause: error });
  }
}

/** Replace `${NAME}` in every string with the environment's value; a missing one is an error, never an empty string. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, file: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) throw new SluiceError('INVALID_JOB', `${file} uses \${${name}}, but the environment has no ${name}: set it before running the job.`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env, file));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, file)]));
  return value;
}

/**
 * Import a job module. TypeScript runs as it is where Node can (Node ≥ 22.18 strips types; a
 * process started with tsx's loader), else through tsx when it is installed beside the CLI; on
 * plain Node 20 without tsx the error says what to do.
 */
async function importJob(path: string, typescript: boolean): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(path)) throw new SluiceError('JOB_NOT_FOUND', `No job file at ${path}.`);
    if (!typescript || code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw new SluiceError('INVALID_JOB', `Could not load the job ${path}: ${describeError(error)}`, { cause: error });
  }
  let register: (() => unknown) | undefined;
  try {
    ({ register } = (await import('tsx/esm/api')) as { register: () => unknown });
  } catch {
    throw new SluiceError(
      'TYPESCRIPT_JOB_UNSUPPORTED',
      `Node ${process.versions.node} cannot run the TypeScript job ${path} by itself. Install tsx beside @sluice/cli (npm install --save-dev tsx), run on Node >= 22.18 (which strips types), or compile the job to .js.`,
    );
  }
  register();
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new SluiceError('INVALID_JOB', `Could not load the job ${path}: ${describeError(error)}`, { cause: error });
  }
}
