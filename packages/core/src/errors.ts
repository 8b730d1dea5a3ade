import { redactString } from './redact.ts';

/**
 * Every user-facing failure code, in one list. Codes are stable: tests, alerting rules and
 * users' `catch` blocks match on them, so a code is never renamed or reused.
 */
export const ERROR_CODES = [
  // Query definition and options
  'UNKNOWN_FORMAT',
  'UNKNOWN_OPTION',
  'INVALID_OPTION',
  'MISSING_OPTION',
  'UNSUPPORTED_OUTPUT_MODE',
  'INVALID_QUERY',
  /** A join Spark refuses on streams: its type for these sides, or an outer/semi stream–stream join without watermark and time range. */
  'UNSUPPORTED_JOIN',
  'DUPLICATE_QUERY_NAME',
  'UNKNOWN_COLUMN',
  'INVALID_SCHEMA',
  // Expressions and SQL
  'SQL_PARSE_ERROR',
  'UNKNOWN_FUNCTION',
  'UNKNOWN_TABLE',
  // Checkpoint
  'CHECKPOINT_LOCKED',
  'CHECKPOINT_CORRUPT',
  'CHECKPOINT_MISMATCH',
  'CHECKPOINT_IO',
  // State of stateful operators
  'STATE_SCHEMA_MISMATCH',
  'STATE_FORMAT_UNSUPPORTED',
  // Installation: an optional npm package a connector needs is absent
  'MISSING_DEPENDENCY',
  // Running a query
  'STREAM_FAILED',
  'SOURCE_FAILED',
  'TRANSFORM_FAILED',
  'SINK_FAILED',
  'MALFORMED_RECORD',
  'SCHEMA_MISMATCH',
  'TYPE_MISMATCH',
  // Expression evaluation in ANSI mode (Spark's error classes of the same names)
  'NUMERIC_VALUE_OUT_OF_RANGE',
  'DIVIDE_BY_ZERO',
  'CAST_INVALID_INPUT',
  'CAST_OVERFLOW',
  'TIMEOUT',
  'QUERY_NOT_ACTIVE',
  // Files
  'FILE_NOT_FOUND',
  'PATH_NOT_FOUND',
  'FILE_CORRUPT',
  // Kafka
  'KAFKA_DATA_LOSS',
  'KAFKA_UNREACHABLE',
  'KAFKA_ERROR',
  'KAFKA_UNKNOWN_PARTITION',
  /** A row for the Kafka sink has a null `topic` and no `topic` option is set (Spark's condition of the same name). */
  'KAFKA_NULL_TOPIC_IN_DATA',
  /** A record's timestamp is too large to be milliseconds (Spark's condition of the same name). */
  'KAFKA_MALFORMED_RECORD_TIMESTAMP',
  // Schema registries (Avro, Protobuf)
  'SCHEMA_REGISTRY_ERROR',
  // Delta Lake
  'DELTA_UNSUPPORTED_FEATURE',
  'DELTA_CONCURRENT_MODIFICATION',
  'DELTA_TABLE_NOT_FOUND',
  'DELTA_SOURCE_TABLE_CHANGED',
  'DELTA_VERSION_NOT_FOUND',
  'DELTA_IO',
  // PostgreSQL
  'PG_AUTH_FAILED',
  'PG_UNREACHABLE',
  'PG_ERROR',
  // Running in production: the web UI and the sluice CLI
  'PORT_IN_USE',
  'JOB_NOT_FOUND',
  'INVALID_JOB',
  'TYPESCRIPT_JOB_UNSUPPORTED',
] as const;

/** One of `ERROR_CODES`: the stable code of a `SluiceError`. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Optional parts of a `SluiceError`: its cause and structured details. */
export interface SluiceErrorOptions {
  readonly cause?: unknown;
  /** Structured facts for programs (file names, offsets, column names); never secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The one error type Sluice throws at users. `code` is stable; `message` says what was wrong
 * and what to do. Messages pass through the secret redactor, so a password that reached an
 * error text by accident (a driver's message, a connection string) never leaves as plain text.
 *
 * @example
 * try { await query.awaitTermination() }
 * catch (e) { if (isSluiceError(e) && e.code === 'CHECKPOINT_CORRUPT') repair(e.details?.file) }
 */
export class SluiceError extends Error {
  override readonly name = 'SluiceError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(`[${code}] ${redactString(message)}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/**
 * Whether `error` is a `SluiceError`, and of `code` when given.
 *
 * @example
 * try {
 *   await query.awaitTermination();
 * } catch (error) {
 *   if (isSluiceError(error, 'CHECKPOINT_LOCKED')) console.error('another query runs on this checkpoint');
 * }
 */
export function isSluiceError(error: unknown, code?: ErrorCode): error is SluiceError {
  return error instanceof SluiceError && (code === undefined || error.code === code);
}

/** The message of any thrown value, redacted; for wrapping foreign errors into a SluiceError. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return redactString(error.message);
  return redactString(String(error));
}
