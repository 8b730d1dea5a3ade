/**
 * Secret redaction. Two nets, because one is not enough:
 * 1. option keys that name secrets (password, sasl.*, ssl.key …) are masked wherever options
 *    are shown (explain, progress descriptions, logs);
 * 2. every secret value parsed from options is remembered, and any text leaving Sluice
 *    (error messages, log lines) has those values replaced, so a driver error that echoes a
 *    password or a connection string cannot leak it.
 */

export const REDACTED = '***';

const SECRET_KEY = /pass(word|wd)?$|secret|token|credential|api[-_.]?key|private[-_.]?key|sasl|ssl\.key|keystore|truststore|^ssl$|authorization/i;

const knownSecrets = new Set<string>();

/** True when an option key names a secret (matched case-insensitively, on the last segment too). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Remember a secret value so it is scrubbed from any text Sluice emits. */
export function registerSecret(value: string): void {
  // Very short values would scrub innocent text ("a"), and cannot be protected by substitution anyway.
  if (value.length >= 3) knownSecrets.add(value);
}

const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/\s]+)(@)/gi;
const KEY_VALUE_SECRET = /\b(password|passwd|pwd|secret|token|sasl\.password|sasl\.jaas\.config)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s;&,]+)/gi;

/** Scrub passwords out of a text: URL user-info, `password=…` pairs and every registered secret. */
export function redactString(text: string): string {
  let out = text.replace(URL_USERINFO, `$1${REDACTED}$3`).replace(KEY_VALUE_SECRET, `$1$2${REDACTED}`);
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A copy of an options object fit for display: secret keys masked, strings scrubbed, nested objects walked. */
export function redactOptions(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) out[key] = redactValue(key, value);
  return out;
}

function redactValue(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (isSecretKey(key)) return REDACTED;
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redactValue('', v));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return redactOptions(value as Record<string, unknown>);
  }
  if (typeof value === 'function') return '<function>';
  return value;
}
