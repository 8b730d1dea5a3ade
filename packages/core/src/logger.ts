import { redactString } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * Structured context of a log line. The engine sets `queryId`, `runId`, `queryName` and, inside
 * a batch, `batchId` on every line it writes about a query; a JSON logger emits them as fields.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * The engine's logging seam. Every line passes the redactor before it reaches the sink. A logger
 * that ignores `fields` (an older `(message) => void` one) still works.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * A logger writing readable lines to stderr at or above `level` (default: `SLUICE_LOG_LEVEL` or
 * `warn`): `WARN message (queryId=… runId=… batchId=3)`. `write` is replaceable so apps route
 * lines into their own logging; for JSON lines use a structured logger (`@sluice/cli`'s
 * `jsonLogger`).
 *
 * @example
 * const manager = new QueryManager({ logger: createLogger({ level: 'info' }) });
 */
export function createLogger(options: { level?: LogLevel; prefix?: string; write?: (line: string) => void } = {}): Logger {
  const envLevel = process.env['SLUICE_LOG_LEVEL'] as LogLevel | undefined;
  const threshold = LEVELS[options.level ?? (envLevel && envLevel in LEVELS ? envLevel : 'warn')];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = options.prefix ? `${options.prefix} ` : '';
  const at = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
    if (LEVELS[level] >= threshold) write(`${level.toUpperCase()} ${prefix}${redactString(message)}${renderFields(fields)}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A logger that adds `fields()` (read at each line, so they can follow a batch id as it moves)
 * to every line; fields passed with a line win.
 *
 * @example
 * const log = withLogFields(manager.log, () => ({ queryId: query.id, runId: query.runId }));
 * log.info('checkpoint inspected');
 */
export function withLogFields(logger: Logger, fields: () => LogFields): Logger {
  const at = (level: Exclude<LogLevel, 'silent'>) => (message: string, own?: LogFields) => logger[level](message, own ? { ...fields(), ...own } : fields());
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that keeps nothing; for tests and benchmarks. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function renderFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  const shown = Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return shown.length === 0 ? '' : ` (${shown.map(([k, v]) => `${k}=${redactString(String(v))}`).join(' ')})`;
}
