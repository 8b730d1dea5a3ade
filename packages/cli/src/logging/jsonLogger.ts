import { pino, type DestinationStream } from 'pino';
import { redactString } from '@sluice/core/connector';
import { type LogFields, type Logger, type LogLevel } from '@sluice/core';

/** `jsonLogger`'s options: the lowest level written and where lines go. */
export interface JsonLoggerOptions {
  /** Lowest level written (default `info`). */
  readonly level?: Exclude<LogLevel, 'silent'> | 'silent';
  /** Where lines go (default: stdout, written synchronously so nothing is lost on exit). */
  readonly destination?: DestinationStream;
}

/**
 * A `Logger` writing one JSON object per line through pino: `level`, `time` (ISO), the engine's
 * fields (`queryId`, `runId`, `queryName`, `batchId` inside a batch) and `msg`. Messages and field
 * values pass Sluice's redactor first, so a password never reaches the log.
 *
 * @example
 * const manager = new QueryManager({ logger: jsonLogger({ level: 'info' }) });
 * // {"level":"warn","time":"2026-12-05T10:00:00.000Z","queryId":"…","runId":"…","batchId":7,"msg":"…"}
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const log = pino(
    {
      level: options.level ?? 'info',
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    if (!log.isLevelEnabled(level)) return;
    log[level](fields ? scrub(fields) : {}, redactString(message));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function scrub(fields: LogFields): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    out[key] = typeof value === 'string' ? redactString(value) : value;
  }
  return out;
}
