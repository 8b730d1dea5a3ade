import { describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { redactOptions, redactString } from '@sluice/core/connector';
import { parsePostgresOptions } from './options.ts';
import { resolveConnection } from './connectionString.ts';
import { parseTableName } from './tableName.ts';

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('postgres options', () => {
  it('parses typed options with defaults', () => {
    const o = parsePostgresOptions({ url: 'postgres://app@db.example:6543/shop', dbtable: 'results' });
    expect(o.mode).toBe('append');
    expect(o.batchSize).toBe(10_000);
    expect(o.createTableIfNotExists).toBe(false);
    expect(o.table).toEqual({ name: 'results' });
    expect(o.progressTable).toEqual({ name: 'sluice_progress' });
    expect(o.connection.config).toMatchObject({ host: 'db.example', port: 6543, database: 'shop', user: 'app' });
    expect(o.connection.display).toBe('app@db.example:6543/shop');
  });

  it('accepts the strings the fluent API passes, keys case-insensitively (Spark spells it batchsize)', () => {
    const o = parsePostgresOptions({ url: 'postgres://h/db', dbtable: 'analytics.Results', batchsize: '500', createTableIfNotExists: 'true', mode: 'UPSERT', keyColumns: 'id, day' });
    expect(o.batchSize).toBe(500);
    expect(o.createTableIfNotExists).toBe(true);
    expect(o.mode).toBe('upsert');
    expect(o.keyColumns).toEqual(['id', 'day']);
    expect(o.table).toEqual({ schema: 'analytics', name: 'results' });
    expect(o.progressTable).toEqual({ schema: 'analytics', name: 'sluice_progress' });
  });

  it('requires keyColumns for upsert and refuses them for append', () => {
    expect(errorOf(() => parsePostgresOptions({ url: 'postgres://h/db', dbtable: 't', mode: 'upsert' }))).toSatisfy((e) => isSluiceError(e, 'MISSING_OPTION') && /keyColumns/.test(e.message));
    expect(errorOf(() => parsePostgresOptions({ url: 'postgres://h/db', dbtable: 't', keyColumns: ['id'] }))).toSatisfy((e) => isSluiceError(e, 'INVALID_OPTION') && /only applies to mode 'upsert'/.test(e.message));
  });

  it('names missing and unknown options', () => {
    expect(errorOf(() => parsePostgresOptions({ dbtable: 't' }))).toSatisfy((e) => isSluiceError(e, 'MISSING_OPTION') && /'url'/.test(e.message));
    expect(errorOf(() => parsePostgresOptions({ url: 'postgres://h/db', dbtable: 't', batchSise: 10 }))).toSatisfy(
      (e) => isSluiceError(e, 'UNKNOWN_OPTION') && /Did you mean 'batchSize'/.test(e.message),
    );
  });

  it('rejects URLs that are not PostgreSQL URLs, without echoing them', () => {
    const e = errorOf(() => parsePostgresOptions({ url: 'mysql://root:hunter2pw@h/db', dbtable: 't' }));
    expect(isSluiceError(e, 'INVALID_OPTION')).toBe(true);
    expect(String(e)).not.toContain('hunter2pw');
  });
});

describe('jdbc:postgresql URLs', () => {
  it('are translated, user and password included', () => {
    const c = resolveConnection('jdbc:postgresql://dbhost:5433/mydb?user=spark&password=jdbc-pw-123&ApplicationName=etl&currentSchema=sales');
    expect(c.config).toMatchObject({ host: 'dbhost', port: 5433, database: 'mydb', user: 'spark', password: 'jdbc-pw-123', application_name: 'etl', options: '-c search_path=sales' });
    expect(c.display).toBe('spark@dbhost:5433/mydb');
  });

  it('default host and port as pgjdbc does', () => {
    expect(resolveConnection('jdbc:postgresql:mydb').config).toMatchObject({ host: 'localhost', database: 'mydb' });
    expect(resolveConnection('jdbc:postgresql://localhost/mydb').config).toMatchObject({ host: 'localhost', database: 'mydb' });
  });

  it('refuse parameters they cannot honour, and fail-over host lists', () => {
    expect(errorOf(() => resolveConnection('jdbc:postgresql://h/db?targetServerType=primary'))).toSatisfy((e) => isSluiceError(e, 'INVALID_OPTION') && /targetServerType/.test(e.message));
    expect(errorOf(() => resolveConnection('jdbc:postgresql://h1:5432,h2:5432/db'))).toSatisfy((e) => isSluiceError(e, 'INVALID_OPTION') && /several hosts/.test(e.message));
  });

  it('explicit user and password options win over the URL', () => {
    const c = resolveConnection('postgres://a:b-secret-1@h/db', 'other', 'explicit-pw-1');
    expect(c.config).toMatchObject({ user: 'other', password: 'explicit-pw-1' });
  });
});

describe('secrets in options', () => {
  it('passwords inside url, in both forms, and the password option are scrubbed from any text', () => {
    parsePostgresOptions({ url: 'jdbc:postgresql://h/db?user=u&password=p%40ss-jdbc-42', dbtable: 't' });
    parsePostgresOptions({ url: 'postgres://u:url-pw-0042@h/db', dbtable: 't', password: 'option-pw-0042' });
    for (const secret of ['p%40ss-jdbc-42', 'p@ss-jdbc-42', 'url-pw-0042', 'option-pw-0042']) {
      expect(redactString(`driver said: ${secret}!`)).not.toContain(secret);
    }
    const shown = JSON.stringify(redactOptions({ url: 'postgres://u:url-pw-0042@h/db', password: 'option-pw-0042' }));
    expect(shown).not.toMatch(/url-pw-0042|option-pw-0042/);
  });

  it('the display text never holds the password', () => {
    expect(resolveConnection('postgres://u:disp-pw-9@h:1/db').display).toBe('u@h:1/db');
  });
});

describe('dbtable', () => {
  it('folds unquoted names and keeps quoted ones, as PostgreSQL does', () => {
    expect(parseTableName('Results')).toEqual({ name: 'results' });
    expect(parseTableName('Sales."Daily Totals"')).toEqual({ schema: 'sales', name: 'Daily Totals' });
    expect(parseTableName('"a.b"."c""d"')).toEqual({ schema: 'a.b', name: 'c"d' });
  });

  it('rejects malformed names with the option named', () => {
    for (const bad of ['db.schema.table', '"open', 'a-b', '']) {
      expect(errorOf(() => parseTableName(bad))).toSatisfy((e) => isSluiceError(e, 'INVALID_OPTION') && /'dbtable'/.test(e.message));
    }
  });
});
