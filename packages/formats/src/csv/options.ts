import { DEFAULT_CORRUPT_RECORD_COLUMN } from '@sluice/core/internal';
import { defineOptions, opt, type ParsedOptions } from '@sluice/core/connector';

const shared = {
  sep: opt.nonEmptyString().default(',').describe('field separator (Spark: sep)'),
  delimiter: opt.nonEmptyString().describe('alias of sep; wins when both are given'),
  quote: opt.string().default('"').describe('quote character; empty turns quoting off'),
  escape: opt.string().default('\\').describe('escapes a quote inside a quoted value'),
  header: opt.boolean().default(false).describe('first line holds column names'),
  nullValue: opt.string().default('').describe('text of a null value'),
  emptyValue: opt.string().describe('text of an empty string (default: "" quoted)'),
  dateFormat: opt.nonEmptyString().describe('pattern of dates (default yyyy-MM-dd)'),
  timestampFormat: opt.nonEmptyString().describe('pattern of timestamps (default ISO-8601)'),
  timeZone: opt.nonEmptyString().describe('zone of timestamps that carry none, read and written (default: the session time zone)'),
  locale: opt.nonEmptyString().describe('language tag for month and day names in the patterns (default en-US)'),
  lineSep: opt.string().describe('line separator (reading default: \\n, \\r\\n or \\r; writing: \\n)'),
};

/**
 * CSV read options, as Spark names them.
 * @example csvReadOptions.parse({ header: 'true', sep: ';', mode: 'FAILFAST' })
 */
export const csvReadOptionSpec = {
  ...shared,
  comment: opt.string().describe('lines starting with this character are skipped'),
  nanValue: opt.string().default('NaN').describe('text of a NaN double'),
  positiveInf: opt.string().default('Inf').describe('text of +Infinity'),
  negativeInf: opt.string().default('-Inf').describe('text of -Infinity'),
  mode: opt.oneOf(['PERMISSIVE', 'DROPMALFORMED', 'FAILFAST']).default('PERMISSIVE').describe('what to do with a malformed record'),
  columnNameOfCorruptRecord: opt.nonEmptyString().default(DEFAULT_CORRUPT_RECORD_COLUMN).describe('column for the text of malformed records (PERMISSIVE)'),
  multiLine: opt.boolean().default(false).describe('quoted values may span lines'),
  ignoreLeadingWhiteSpace: opt.boolean().default(false).describe('trim leading white space of unquoted values'),
  ignoreTrailingWhiteSpace: opt.boolean().default(false).describe('trim trailing white space of unquoted values'),
};

/** CSV write options, as Spark names them. */
export const csvWriteOptionSpec = {
  ...shared,
  quoteAll: opt.boolean().default(false).describe('quote every value, not only those that need it'),
};

/** The csv read options, parsed once at the edge (case-insensitive keys, defaults, unknown key → UNKNOWN_OPTION). */
export const csvReadOptions = defineOptions('csv', csvReadOptionSpec);
/** The csv write options, parsed the same way. */
export const csvWriteOptions = defineOptions('csv', csvWriteOptionSpec);
/** Spark's CSV read options (`header`, `sep`, `mode`, `nullValue` …), parsed. */
export type CsvReadOptions = ParsedOptions<typeof csvReadOptionSpec>;
/** Spark's CSV write options (`header`, `sep`, `quote` …), parsed. */
export type CsvWriteOptions = ParsedOptions<typeof csvWriteOptionSpec>;
