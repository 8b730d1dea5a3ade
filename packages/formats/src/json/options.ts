import { DEFAULT_CORRUPT_RECORD_COLUMN } from '@sluice/core/internal';
import { defineOptions, opt, type ParsedOptions } from '@sluice/core/connector';

/**
 * JSON read options, as Spark names them.
 * @example jsonReadOptions.parse({ mode: 'FAILFAST', multiLine: 'true' })
 */
export const jsonReadOptionSpec = {
  mode: opt.oneOf(['PERMISSIVE', 'DROPMALFORMED', 'FAILFAST']).default('PERMISSIVE').describe('what to do with a record that does not parse'),
  columnNameOfCorruptRecord: opt.nonEmptyString().default(DEFAULT_CORRUPT_RECORD_COLUMN).describe('column for the text of malformed records (PERMISSIVE)'),
  multiLine: opt.boolean().default(false).describe('each file is one JSON document: an object, or an array of objects'),
  lineSep: opt.string().describe('line separator (default: \\n, \\r\\n or \\r)'),
  allowComments: opt.boolean().default(false).describe('/* … */ and // … comments in records'),
  allowUnquotedFieldNames: opt.boolean().default(false).describe('{a: 1}: field names without quotes'),
  allowSingleQuotes: opt.boolean().default(true).describe("{'a': 'b'}: single-quoted names and strings"),
  allowNumericLeadingZeros: opt.boolean().default(false).describe('0018 reads as 18'),
  allowNonNumericNumbers: opt.boolean().default(true).describe('NaN, Infinity, -INF … as float/double values'),
  allowBackslashEscapingAnyCharacter: opt.boolean().default(false).describe('a backslash may quote any character ("\\$" is "$")'),
  allowUnquotedControlChars: opt.boolean().default(false).describe('raw control characters inside strings'),
  timestampFormat: opt.nonEmptyString().describe('pattern of timestamps (Spark datetime letters; default ISO-8601)'),
  timestampNTZFormat: opt.nonEmptyString().describe('pattern of TIMESTAMP_NTZ values (used for timestamps when timestampFormat is not given)'),
  dateFormat: opt.nonEmptyString().describe('pattern of dates (default yyyy-MM-dd)'),
  locale: opt.nonEmptyString().describe('language tag for month and day names in the patterns (default en-US)'),
  timeZone: opt.nonEmptyString().describe('zone of timestamps that carry none (default: the session time zone)'),
};

/** JSON write options, as Spark names them. */
export const jsonWriteOptionSpec = {
  lineSep: opt.string().default('\n').describe('line separator between records'),
  timestampFormat: opt.nonEmptyString().describe("pattern of timestamps (default yyyy-MM-dd'T'HH:mm:ss.SSSXXX)"),
  dateFormat: opt.nonEmptyString().describe('pattern of dates (default yyyy-MM-dd)'),
  timeZone: opt.nonEmptyString().describe('zone timestamps are written in (default: the session time zone)'),
  locale: opt.nonEmptyString().describe('language tag for month and day names in the patterns (default en-US)'),
};

/** The json read options, parsed once at the edge (case-insensitive keys, defaults, unknown key → UNKNOWN_OPTION). */
export const jsonReadOptions = defineOptions('json', jsonReadOptionSpec);
/** The json write options, parsed the same way. */
export const jsonWriteOptions = defineOptions('json', jsonWriteOptionSpec);
/** Spark's JSON read options (`mode`, `columnNameOfCorruptRecord`, `multiLine` …), parsed. */
export type JsonReadOptions = ParsedOptions<typeof jsonReadOptionSpec>;
/** Spark's JSON write options (`timestampFormat`, `ignoreNullFields` …), parsed. */
export type JsonWriteOptions = ParsedOptions<typeof jsonWriteOptionSpec>;
