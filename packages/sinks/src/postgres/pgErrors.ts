import { SluiceError } from '@sluice/core';
import { describeError, redactString } from '@sluice/core/connector';

/**
 * What a failure from `pg` means for the sink:
 * - `auth`: wrong user or password; retrying cannot help;
 * - `connection`: the server went away, restarts or is not up yet; the batch is retried whole
 *   on a new connection (its transaction guarantees nothing of it was kept);
 * - `conflict`: serialization failure or deadlock; the transaction is retried;
 * - `fatal`: anything else (bad SQL, a constraint, a value the column refuses).
 */
export type PgFailureKind = 'auth' | 'connection' | 'conflict' | 'fatal';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);
/** SQLSTATEs after which a new connection may succeed: shutdown, crash, start-up, too many clients. */
const RECONNECT_STATES = new Set(['57P01', '57P02', '57P03', '53300', '57P05']);
const LOST_CONNECTION = /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Client was closed|timeout expired|Connection ended|the database system is (starting up|shutting down|in recovery mode)|terminating connection/i;

export function classifyPgError(error: unknown): PgFailureKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code === '28P01' || code === '28000') return 'auth';
    if (code.startsWith('08') || RECONNECT_STATES.has(code) || NETWORK_CODES.has(code)) return 'connection';
    if (code === '40001' || code === '40P01') return 'conflict';
  }
  if (error instanceof AggregateError && error.errors.some((e) => classifyPgError(e) === 'connection')) return 'connection';
  if (error instanceof Error && LOST_CONNECTION.test(error.message)) return 'connection';
  return 'fatal';
}

/**
 * A cause fit to keep on a SluiceError: `pg`'s errors carry the fields a person needs
 * (SQLSTATE, detail, hint), but a raw error object may hold anything a driver put on it, so
 * only those fields are copied, redacted.
 */
export function sanitizedCause(error: unknown): Error {
  const clean = new Error(describeError(error));
  clean.name = error instanceof Error ? error.name : 'Error';
  const source = (error ?? {}) as Record<string, unknown>;
  for (const key of ['code', 'severity', 'detail', 'hint', 'where', 'table', 'column', 'constraint', 'routine']) {
    const value = source[key];
    if (typeof value === 'string') (clean as unknown as Record<string, unknown>)[key] = redactString(value);
  }
  clean.stack = `${clean.name}: ${clean.message}`;
  return clean;
}

/** `pg`'s message with its SQLSTATE and detail, redacted: the text a SluiceError carries. */
export function pgMessage(error: unknown): string {
  const e = (error ?? {}) as { code?: unknown; detail?: unknown; hint?: unknown };
  let text = describeError(error);
  if (error instanceof AggregateError && text === '') text = error.errors.map((x) => describeError(x)).join('; ');
  if (typeof e.code === 'string') text += ` (${e.code})`;
  if (typeof e.detail === 'string' && e.detail !== '') text += `. ${redactString(e.detail)}`;
  if (typeof e.hint === 'string' && e.hint !== '') text += ` Hint: ${redactString(e.hint)}`;
  return text;
}

/** Wrap a `pg` failure in the SluiceError its kind calls for. `where` is the connection's display text. */
export function toSluiceError(error: unknown, where: string, doing: string): SluiceError {
  if (error instanceof SluiceError) return error;
  const kind = classifyPgError(error);
  const cause = sanitizedCause(error);
  const details = { server: where, sqlState: (error as { code?: unknown } | null)?.code };
  if (kind === 'auth') {
    return new SluiceError('PG_AUTH_FAILED', `PostgreSQL at ${where} refused the credentials while ${doing}: ${pgMessage(error)}. Check the user and password (options 'user'/'password' or the url).`, { cause, details });
  }
  if (kind === 'connection') {
    return new SluiceError('PG_UNREACHABLE', `PostgreSQL at ${where} could not be reached while ${doing}: ${pgMessage(error)}. Check that the server is running and the url's host and port.`, { cause, details });
  }
  return new SluiceError('PG_ERROR', `PostgreSQL at ${where} failed while ${doing}: ${pgMessage(error)}.`, { cause, details });
}
