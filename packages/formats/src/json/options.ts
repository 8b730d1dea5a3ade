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
};

/** JSON write options, as Spark names them. */
export const jsonWriteOptionSpec = {
  lineSep: opt.string().default('\n').describe('line separator between records'),
};

/** The json read options, parsed once at the edge (case-insensitive keys, defaults, unknown key → UNKNOWN_OPTION). */
export const jsonReadOptions = defineOptions('json', jsonReadOptionSpec);
/** The json write options, parsed the same way. */
export const jsonWriteOptions = defineOptions('json', jsonWriteOptionSpec);
/** Spark's JSON read options (`mode`, `columnNameOfCorruptRecord`, `multiLine` …), parsed. */
export type JsonReadOptions = ParsedOptions<typeof jsonReadOptionSpec>;
/** Spark's JSON write options (`timestampFormat`, `ignoreNullFields` …), parsed. */
export type JsonWriteOptions = ParsedOptions<typeof jsonWriteOptionSpec>;
