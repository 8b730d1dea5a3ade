import { parseArgs } from 'node:util';
import { isSluiceError, SluiceError } from '@sluice/core';
import { parseDuration } from '@sluice/core/connector';
import { EXIT } from './exitCodes.ts';
import { HELP } from './help.ts';
import type { Output } from './output.ts';

class UsageError extends Error {}

/**
 * The `sluice` command line, as a function: parse `argv` (without `node` and the script), run the
 * command, and resolve to the exit code (see `sluice --help`).
 *
 * @example
 * process.exitCode = await main(['validate', 'job.yaml'], processOutput);
 */
export async function main(argv: readonly string[], out: Output): Promise<number> {
  try {
    return await dispatch(argv, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`sluice: ${error.message}\nRun 'sluice --help' for the commands and options.`);
      return EXIT.usage;
    }
    if (isSluiceError(error)) {
      out.stderr(`sluice: ${error.message}`);
      return error.code === 'INVALID_JOB' || error.code === 'JOB_NOT_FOUND' || error.code === 'TYPESCRIPT_JOB_UNSUPPORTED' || isDefinitionError(error) ? EXIT.invalidJob : EXIT.queryFailed;
    }
    throw error;
  }
}

/**
 * Every source and sink format, available to a job file by name. Imported only by the commands
 * that read jobs (after `run` has its signal handlers), so `--help` and `checkpoint` stay quick.
 */
async function registerFormats(): Promise<void> {
  await Promise.all([import('@sluice/sources'), import('@sluice/sinks')]);
}

async function dispatch(argv: readonly string[], out: Output): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out.stdout(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };
    out.stdout(version);
    return EXIT.ok;
  }
  if (command === 'run') {
    const { values, positionals } = parse(rest, {
      ui: { type: 'string' }, metrics: { type: 'string' }, host: { type: 'string' }, 'stop-deadline': { type: 'string' },
      trigger: { type: 'string' }, 'log-format': { type: 'string' }, 'log-level': { type: 'string' },
    });
    const job = one(positionals, 'run needs a job file: sluice run job.yaml');
    const logFormat = choice(values['log-format'], ['json', 'pretty'] as const, '--log-format') ?? (process.stderr.isTTY ? 'pretty' : 'json');
    const { runCommand } = await import('./commands/run.ts');
    return runCommand({
      job,
      registerFormats,
      ...(values.ui !== undefined ? { ui: port(values.ui, '--ui') } : {}),
      ...(values.metrics !== undefined ? { metrics: port(values.metrics, '--metrics') } : {}),
      host: values.host ?? '127.0.0.1',
      stopDeadlineMs: duration(values['stop-deadline'] ?? '25s', '--stop-deadline'),
      logFormat,
      logLevel: choice(values['log-level'], ['debug', 'info', 'warn', 'error'] as const, '--log-level') ?? 'info',
      ...(values.trigger !== undefined ? { trigger: values.trigger } : {}),
    });
  }
  if (command === 'validate') {
    const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
    const job = one(positionals, 'validate needs a job file: sluice validate job.yaml');
    await registerFormats();
    const { validateCommand } = await import('./commands/validate.ts');
    return validateCommand(job, values.json === true, out);
  }
  if (command === 'checkpoint') {
    const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
    const [action, dir, ...extra] = positionals;
    if (action !== 'inspect' && action !== 'state' && action !== 'drop-uncommitted') throw new UsageError(`checkpoint needs an action: inspect, state or drop-uncommitted (got ${action === undefined ? 'none' : `'${action}'`}).`);
    if (dir === undefined || extra.length > 0) throw new UsageError(`checkpoint ${action} needs one checkpoint directory.`);
    const { checkpointCommand } = await import('./commands/checkpoint.ts');
    return checkpointCommand(action, dir, values.json === true, out);
  }
  throw new UsageError(`unknown command '${command}'.`);
}

type Spec = Record<string, { type: 'string' | 'boolean' }>;

function parse<S extends Spec>(args: readonly string[], options: S) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function one(positionals: readonly string[], message: string): string {
  if (positionals.length !== 1) throw new UsageError(message);
  return positionals[0]!;
}

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} needs a port number (0–65535), got '${value}'.`);
  return n;
}

function duration(value: string, flag: string): number {
  const ms = parseDuration(value, 'ms');
  if (ms === undefined || ms < 0) throw new UsageError(`${flag} needs a duration such as 25s or 2 minutes, got '${value}'.`);
  return ms;
}

function choice<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'.`);
  return value as T;
}

/** A query the job defines wrongly (bad option, unknown format, impossible output mode) is the job's fault: exit 3. */
function isDefinitionError(error: SluiceError): boolean {
  return ['UNKNOWN_FORMAT', 'UNKNOWN_OPTION', 'INVALID_OPTION', 'MISSING_OPTION', 'UNSUPPORTED_OUTPUT_MODE', 'INVALID_QUERY', 'UNKNOWN_COLUMN', 'INVALID_SCHEMA', 'DUPLICATE_QUERY_NAME'].includes(error.code);
}
