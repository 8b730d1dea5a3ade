import { DataType, type Field } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { sessionTimeZone } from '../../session/conf.ts';
import { MS_PER_DAY } from '../../time/civil.ts';
import { compilePattern, emptyFields, localFields, PatternError } from '../../time/datetimePattern.ts';
import { parseTimestampString } from '../../time/datetimeStrings.ts';
import { zoneRules, type ZoneRules } from '../../time/timeZone.ts';
import { sparkTypeName } from '../schema.ts';
import type { JsonValueOptions } from './columnBuilders.ts';
import { SPARK_JSON_SYNTAX, type JsonSyntax } from './exactJson.ts';
import { formatIsoDateDays, formatIsoTimestampMs, parseIsoDateDays, parseIsoTimestampMs } from './temporal.ts';

/**
 * Spark's JSON read options that change how a record is parsed, by Spark's names. Booleans may be
 * given as `'true'` / `'false'` (as in a SQL `map(...)` of options).
 */
export interface JsonParseOptions {
  readonly allowComments?: boolean | string | undefined;
  readonly allowUnquotedFieldNames?: boolean | string | undefined;
  /** Default true, as Spark. */
  readonly allowSingleQuotes?: boolean | string | undefined;
  readonly allowNumericLeadingZeros?: boolean | string | undefined;
  /** Default true, as Spark. */
  readonly allowNonNumericNumbers?: boolean | string | undefined;
  readonly allowBackslashEscapingAnyCharacter?: boolean | string | undefined;
  readonly allowUnquotedControlChars?: boolean | string | undefined;
  /** Pattern of timestamps (Spark's datetime letters); default ISO-8601 / Spark's string → timestamp. */
  readonly timestampFormat?: string | undefined;
  /** Pattern of TIMESTAMP_NTZ values; Sluice reads TIMESTAMP_NTZ columns as timestamps, so this is used when no `timestampFormat` is given. */
  readonly timestampNTZFormat?: string | undefined;
  /** Pattern of dates; default `yyyy-MM-dd`. */
  readonly dateFormat?: string | undefined;
  /** Locale of month and day names in the patterns (BCP 47, default en-US). */
  readonly locale?: string | undefined;
  /** Zone of timestamps that carry none (default: the session time zone, `spark.sql.session.timeZone`). */
  readonly timeZone?: string | undefined;
}

/** The names of `JsonParseOptions`, for option specs and the from_json options map. */
export const JSON_PARSE_OPTION_NAMES = [
  'allowComments', 'allowUnquotedFieldNames', 'allowSingleQuotes', 'allowNumericLeadingZeros', 'allowNonNumericNumbers',
  'allowBackslashEscapingAnyCharacter', 'allowUnquotedControlChars', 'timestampFormat', 'timestampNTZFormat', 'dateFormat', 'locale', 'timeZone',
] as const;

function flag(options: JsonParseOptions, name: keyof JsonSyntax): boolean {
  const v = options[name];
  if (v === undefined || v === null) return SPARK_JSON_SYNTAX[name];
  if (typeof v === 'boolean') return v;
  const text = String(v).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new SluiceError('INVALID_OPTION', `JSON option '${name}' must be true or false, got ${JSON.stringify(v)}.`, { details: { option: name } });
}

/** The JSON syntax `options` allow (Spark's defaults for the ones not given). */
export function jsonSyntaxOf(options: JsonParseOptions): JsonSyntax {
  return {
    allowComments: flag(options, 'allowComments'),
    allowUnquotedFieldNames: flag(options, 'allowUnquotedFieldNames'),
    allowSingleQuotes: flag(options, 'allowSingleQuotes'),
    allowNumericLeadingZeros: flag(options, 'allowNumericLeadingZeros'),
    allowNonNumericNumbers: flag(options, 'allowNonNumericNumbers'),
    allowBackslashEscapingAnyCharacter: flag(options, 'allowBackslashEscapingAnyCharacter'),
    allowUnquotedControlChars: flag(options, 'allowUnquotedControlChars'),
  };
}

function zoneOf(id: string | undefined, option = 'timeZone'): ZoneRules {
  const name = id ?? sessionTimeZone();
  const rules = zoneRules(name);
  if (!rules) throw new SluiceError('INVALID_OPTION', `Option '${option}' names no time zone: ${JSON.stringify(name)}; use a region id such as 'Europe/Paris' or an offset such as '+01:00'.`, { details: { option } });
  return rules;
}

function pattern(text: string, option: string, locale: string | undefined) {
  try {
    return compilePattern(text, locale);
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    throw new SluiceError('INVALID_OPTION', `Option '${option}' is not a valid datetime pattern: ${error.message}. Use Spark's pattern letters, e.g. "yyyy-MM-dd HH:mm:ss".`, { details: { option } });
  }
}

/**
 * How timestamp and date texts are read under `options` (Spark's `timestampFormat`, `dateFormat`,
 * `locale`, `timeZone`) and whether NaN strings are numbers; undefined when nothing differs from
 * the defaults (ISO-8601 in UTC).
 *
 * @example jsonValueOptionsOf({ timestampFormat: 'dd/MM/yyyy HH:mm' })!.timestamp!('26/08/2015 18:00') // 1440612000000
 */
export function jsonValueOptionsOf(options: JsonParseOptions): JsonValueOptions | undefined {
  const locale = options.locale ?? undefined;
  if (locale !== undefined) {
    try {
      new Intl.DateTimeFormat(locale);
    } catch {
      throw new SluiceError('INVALID_OPTION', `Option 'locale' is not a language tag: ${JSON.stringify(locale)}; use e.g. 'en-US' or 'ko-KR'.`, { details: { option: 'locale' } });
    }
  }
  const zone = zoneOf(options.timeZone ?? undefined);
  const tsFormat = options.timestampFormat ?? options.timestampNTZFormat ?? undefined;
  const tsOption = options.timestampFormat !== undefined ? 'timestampFormat' : 'timestampNTZFormat';
  const out: { timestamp?: (t: string) => number | undefined; date?: (t: string) => number | undefined; allowNonNumericNumbers?: boolean } = {};
  if (tsFormat !== undefined) {
    const p = pattern(tsFormat, tsOption, locale);
    out.timestamp = (t) => p.parse(t, zone) ?? undefined;
  } else if (zone.fixed !== 0) {
    out.timestamp = (t) => parseTimestampString(t, zone) ?? undefined;
  } else out.timestamp = parseIsoTimestampMs;
  if (options.dateFormat !== undefined && options.dateFormat !== null) {
    const p = pattern(options.dateFormat, 'dateFormat', locale);
    const utc = zoneOf('UTC');
    out.date = (t) => {
      const ms = p.parse(t, utc);
      return ms === null ? undefined : Math.floor(ms / MS_PER_DAY);
    };
  } else out.date = parseIsoDateDays;
  if (!flag(options, 'allowNonNumericNumbers')) out.allowNonNumericNumbers = false;
  return out;
}

/**
 * Spark refuses a JSON schema holding a map whose keys are not strings (JSON object keys are
 * strings): `DATATYPE_MISMATCH.INVALID_JSON_MAP_KEY_TYPE`. Throws `INVALID_SCHEMA` naming it.
 */
export function checkJsonMapKeys(type: DataType, where: string): void {
  if (DataType.isMap(type)) {
    const entry = type.children[0]!.type as DataType;
    const key = (entry.children as Field[])[0]!.type;
    if (!DataType.isUtf8(key)) {
      throw new SluiceError('INVALID_SCHEMA', `${where}: the schema has ${sparkTypeName(type)}, but a JSON schema can only contain STRING as a key type for a MAP (Spark: INVALID_JSON_MAP_KEY_TYPE); declare the map as MAP<STRING, …> and cast the keys afterwards.`);
    }
  }
  for (const child of (type.children ?? []) as Field[]) checkJsonMapKeys(child.type, where);
}

/** Spark's default pattern for writing timestamps (JSON and CSV): ISO-8601 with milliseconds and the zone's offset. */
const DEFAULT_TIMESTAMP_WRITE_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

/**
 * How timestamps and dates are written under Spark's `timestampFormat`, `dateFormat`, `locale` and
 * `timeZone` options (default: ISO-8601 in the session time zone, `2024-05-01T10:00:00.000Z` in UTC).
 *
 * @example temporalWriters({ timeZone: 'America/Los_Angeles' }).timestamp(0) // '1969-12-31T16:00:00.000-08:00'
 */
export function temporalWriters(options: Pick<JsonParseOptions, 'timestampFormat' | 'dateFormat' | 'locale' | 'timeZone'>): {
  readonly timestamp: (ms: number) => string;
  readonly date: (days: number) => string;
} {
  const zone = zoneOf(options.timeZone ?? undefined);
  const locale = options.locale ?? undefined;
  const fields = emptyFields(zone);
  let timestamp: (ms: number) => string;
  if (options.timestampFormat === undefined && zone.fixed === 0) timestamp = formatIsoTimestampMs;
  else {
    const p = pattern(options.timestampFormat ?? DEFAULT_TIMESTAMP_WRITE_PATTERN, 'timestampFormat', locale);
    timestamp = (ms) => p.format(localFields(ms, zone, fields));
  }
  let date: (days: number) => string;
  if (options.dateFormat === undefined) date = formatIsoDateDays;
  else {
    const p = pattern(options.dateFormat, 'dateFormat', locale);
    const utc = zoneOf('UTC');
    const dayFields = emptyFields(utc);
    date = (days) => p.format(localFields(days * MS_PER_DAY, utc, dayFields));
  }
  return { timestamp, date };
}
