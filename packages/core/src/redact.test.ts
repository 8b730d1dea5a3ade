import { describe, expect, it } from 'vitest';
import { SluiceError } from './errors.ts';
import { createLogger } from './logger.ts';
import { redactOptions, redactString, registerSecret } from './redact.ts';

describe('redaction', () => {
  it('masks passwords in connection strings and key=value pairs', () => {
    expect(redactString('postgres://app:s3cr3t@db:5432/x failed')).toBe('postgres://app:***@db:5432/x failed');
    expect(redactString('host=db password=s3cr3t user=app')).toBe('host=db password=*** user=app');
  });

  it('masks secret-named options at any depth', () => {
    expect(redactOptions({ url: 'postgres://u:pw@h/db', password: 'x', 'kafka.sasl': { mechanism: 'plain', password: 'p' }, nested: { token: 't', ok: 1 } })).toEqual({
      url: 'postgres://u:***@h/db',
      password: '***',
      'kafka.sasl': '***',
      nested: { token: '***', ok: 1 },
    });
  });

  it('scrubs registered secrets from errors and log lines', () => {
    registerSecret('correct-horse-battery');
    const error = new SluiceError('PG_AUTH_FAILED', 'driver said: password correct-horse-battery rejected');
    expect(error.message).not.toContain('correct-horse-battery');
    const lines: string[] = [];
    createLogger({ level: 'debug', write: (l) => lines.push(l) }).info('connecting with correct-horse-battery');
    expect(lines).toEqual(['INFO connecting with ***']);
  });
});
