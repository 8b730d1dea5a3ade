import { redactString } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The engine's logging seam. Every line passes the redactor before it reaches the sink. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * A logger writing to stderr at or above `level` (default: `SLUICE_LOG_LEVEL` or `warn`).
 * `write` is replaceable so apps route lines into their own logging.
 */
export function createLogger(options: { level?: LogLevel; prefix?: string; write?: (line: string) => void } = {}): Logger {
  const envLevel = process.env['SLUICE_LOG_LEVEL'] as LogLevel | undefined;
  const threshold = LEVELS[options.level ?? (envLevel && envLevel in LEVELS ? envLevel : 'warn')];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = options.prefix ? `${options.prefix} ` : '';
  const at = (level: Exclude<LogLevel, 'silent'>) => (message: string) => {
    if (LEVELS[level] >= threshold) write(`${level.toUpperCase()} ${prefix}${redactString(message)}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that keeps nothing; for tests and benchmarks. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
