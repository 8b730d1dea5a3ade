import { SluiceError } from '../errors.ts';
import { closestName } from '../options/closestName.ts';
import { isValidTimeZone } from '../time/timeZone.ts';

/**
 * The SQL settings of this process (Spark's `spark.conf` for the session). Expressions read them
 * when a query is defined, as Spark's analyzer does: changing the time zone later does not change
 * a query already built.
 */
interface Setting {
  readonly defaultValue: string;
  readonly doc: string;
  readonly check?: (value: string) => string | undefined;
}

const SETTINGS: Readonly<Record<string, Setting>> = {
  'spark.sql.session.timeZone': {
    defaultValue: 'UTC',
    doc: "The time zone of datetime functions, casts and literals: a region ('America/Los_Angeles'), 'UTC', or an offset ('+01:00'). Spark defaults to the JVM's zone; Sluice to UTC.",
    check: (v) => (isValidTimeZone(v) ? undefined : `'${v}' is not a time zone; use a region such as 'Europe/Paris', 'UTC' or an offset such as '+01:00'`),
  },
  'spark.sql.ansi.enabled': {
    defaultValue: 'false',
    doc: 'ANSI mode (overflow and invalid casts fail instead of giving null). Only false is supported.',
    check: (v) => (v.toLowerCase() === 'false' ? undefined : 'ANSI mode is not supported yet: invalid casts, overflow and division by zero give null (Spark 3 default)'),
  },
  'spark.sql.streaming.schemaInference': {
    defaultValue: 'false',
    doc: "Whether a file stream without a schema infers one from the files present when it is defined (the file source's inferSchema option, when not given).",
    check: (v) => (/^(true|false)$/i.test(v) ? undefined : 'use true or false'),
  },
  'spark.sql.streaming.fileStreamSink.ignoreMetadata': {
    defaultValue: 'false',
    doc: "Whether readers of a file sink's output directory ignore its _spark_metadata log and read every file there (files of uncommitted batches included).",
    check: (v) => (/^(true|false)$/i.test(v) ? undefined : 'use true or false'),
  },
  'spark.sql.caseSensitive': {
    defaultValue: 'false',
    doc: 'Whether column names are matched case-sensitively. Only false (Spark default) is supported: an exact match wins, then a case-insensitive one.',
    check: (v) => (v.toLowerCase() === 'false' ? undefined : 'only case-insensitive resolution (false) is supported'),
  },
};

const values = new Map<string, string>();

/**
 * Read and change SQL settings, as `spark.conf.get/set`.
 *
 * @example
 * conf.set('spark.sql.session.timeZone', 'America/Los_Angeles');
 * conf.get('spark.sql.session.timeZone'); // 'America/Los_Angeles'
 */
export const conf = {
  get(key: string): string {
    return values.get(key) ?? setting(key).defaultValue;
  },
  set(key: string, value: string | boolean | number): void {
    const text = String(value);
    const problem = setting(key).check?.(text);
    if (problem) throw new SluiceError('INVALID_OPTION', `Cannot set ${key} to '${text}': ${problem}.`);
    values.set(key, text);
  },
  unset(key: string): void {
    setting(key);
    values.delete(key);
  },
  /** Every setting with its current value. */
  getAll(): Record<string, string> {
    return Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, conf.get(k)]));
  },
};

function setting(key: string): Setting {
  const found = SETTINGS[key];
  if (!found) {
    const suggestion = closestName(key, Object.keys(SETTINGS));
    throw new SluiceError('UNKNOWN_OPTION', `Unknown SQL setting '${key}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Known: ${Object.keys(SETTINGS).join(', ')}.`);
  }
  return found;
}

/** The session time zone now (`spark.sql.session.timeZone`). */
export function sessionTimeZone(): string {
  return conf.get('spark.sql.session.timeZone');
}
