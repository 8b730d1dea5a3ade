import { SluiceError } from '@sluice/core';
import { registerSecret } from '@sluice/core/connector';
import type { ClientConfig } from 'pg';
import { pgConnectionString } from './pgModules.ts';

/** Where and as whom to connect, ready for `pg`, plus a password-free text for descriptions. */
export interface ResolvedConnection {
  readonly config: ClientConfig;
  /** `user@host:port/database`: never a password. */
  readonly display: string;
}

/**
 * pgjdbc URL parameters and what they become for `pg`. Parameters that only tune pgjdbc's own
 * behaviour are accepted and dropped, so a URL pasted from a Spark job works unchanged; any
 * other parameter is an error rather than silently ignored.
 */
const JDBC_PARAMS: Record<string, (value: string, out: URLSearchParams) => void> = {
  user: (v, out) => out.set('user', v),
  password: (v, out) => out.set('password', v),
  sslmode: (v, out) => out.set('sslmode', v),
  ssl: (v, out) => {
    if (v === 'true' && !out.has('sslmode')) out.set('sslmode', 'require');
  },
  applicationname: (v, out) => out.set('application_name', v),
  currentschema: (v, out) => out.set('options', `-c search_path=${v}`),
  connecttimeout: (v, out) => out.set('connect_timeout', v),
  logintimeout: (v, out) => out.set('connect_timeout', v),
  rewritebatchedinserts: () => {},
  preparethreshold: () => {},
  tcpkeepalive: () => {},
  sockettimeout: () => {},
  stringtype: () => {},
};

/**
 * Turn the `url` option (a `postgres://` URL or a pgjdbc `jdbc:postgresql://host:port/db?user=…`
 * URL) plus explicit `user`/`password` options into a `pg` client config. Explicit options win
 * over the URL's. Every password met on the way is registered as a secret, in its plain and its
 * URL-encoded form, so no error or log line can echo it.
 *
 * @example resolveConnection('jdbc:postgresql://db:5432/shop?user=app&password=pw').display // "app@db:5432/shop"
 */
export function resolveConnection(url: string, user?: string, password?: string): ResolvedConnection {
  protectUrlSecrets(url);
  const postgresUrl = url.startsWith('jdbc:') ? fromJdbc(url) : url;
  if (!/^(postgres|postgresql):\/\//i.test(postgresUrl) && !postgresUrl.startsWith('socket:')) {
    throw invalidUrl('it must start with postgres://, postgresql:// or jdbc:postgresql:');
  }
  const { parse } = pgConnectionString();
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(postgresUrl);
  } catch {
    throw invalidUrl('it could not be parsed as a URL');
  }
  const config: ClientConfig & Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && value !== undefined && value !== '') config[key] = value;
  }
  if (typeof parsed.port === 'string') config.port = Number(parsed.port);
  if (typeof parsed.password === 'string' && parsed.password !== '') registerSecret(parsed.password);
  if (user !== undefined) config.user = user;
  if (password !== undefined) config.password = password;
  const host = config.host ?? process.env['PGHOST'] ?? 'localhost';
  const port = config.port ?? (process.env['PGPORT'] ? Number(process.env['PGPORT']) : 5432);
  const database = config.database ?? process.env['PGDATABASE'] ?? config.user ?? '';
  const who = config.user ?? process.env['PGUSER'];
  return { config, display: `${who ? `${who}@` : ''}${host}:${port}/${database}` };
}

/** pgjdbc form → postgres:// form. `jdbc:postgresql:db` and `jdbc:postgresql://host/db` both. */
function fromJdbc(url: string): string {
  const match = /^jdbc:postgresql:(\/\/([^/?#]*))?\/?([^?#]*)(\?[^#]*)?$/i.exec(url);
  if (!match) throw invalidUrl('a JDBC URL must look like jdbc:postgresql://host:5432/database?user=…');
  const hostPart = match[2] ?? 'localhost';
  if (hostPart.includes(',')) throw invalidUrl('several hosts (JDBC fail-over URLs) are not supported; give one host');
  const params = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(match[4] ?? '')) {
    const translate = JDBC_PARAMS[key.toLowerCase()];
    if (!translate) {
      throw invalidUrl(`JDBC URL parameter '${key}' is not supported (supported: user, password, ssl, sslmode, ApplicationName, currentSchema, connectTimeout, loginTimeout)`);
    }
    translate(value, params);
  }
  const query = params.toString();
  return `postgres://${hostPart === '' ? 'localhost' : hostPart}/${match[3] ?? ''}${query ? `?${query}` : ''}`;
}

/** Register any password inside the raw URL before anything else can echo the URL. */
function protectUrlSecrets(url: string): void {
  const userInfo = /^[a-z:]+\/\/[^/?#@]*?:([^@/?#]+)@/i.exec(url)?.[1];
  const queryPassword = /[?&]password=([^&#]*)/i.exec(url)?.[1];
  for (const raw of [userInfo, queryPassword]) {
    if (!raw) continue;
    registerSecret(raw);
    try {
      registerSecret(decodeURIComponent(raw));
    } catch {
      // A malformed escape: the raw form is registered, which is what could be echoed.
    }
  }
}

function invalidUrl(reason: string): SluiceError {
  return new SluiceError('INVALID_OPTION', `Option 'url' of format 'postgres' is not a valid PostgreSQL URL: ${reason}.`, {
    details: { format: 'postgres', option: 'url' },
  });
}
