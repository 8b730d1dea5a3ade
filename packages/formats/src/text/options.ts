import { defineOptions, opt, type ParsedOptions } from '@sluice/core/connector';

/**
 * Text read options, as Spark names them.
 * @example textReadOptions.parse({ wholetext: 'true' })
 */
export const textReadOptionSpec = {
  wholetext: opt.boolean().default(false).describe('each file is one row'),
  lineSep: opt.string().describe('line separator (default: \\n, \\r\\n or \\r)'),
};

/** Text write options, as Spark names them. */
export const textWriteOptionSpec = {
  lineSep: opt.string().default('\n').describe('line separator after each row'),
};

/** The text read options, parsed once at the edge (case-insensitive keys, defaults, unknown key → UNKNOWN_OPTION). */
export const textReadOptions = defineOptions('text', textReadOptionSpec);
/** The text write options, parsed the same way. */
export const textWriteOptions = defineOptions('text', textWriteOptionSpec);
/** Spark's text read options (`wholetext`, `lineSep`), parsed. */
export type TextReadOptions = ParsedOptions<typeof textReadOptionSpec>;
/** Spark's text write options (`lineSep`), parsed. */
export type TextWriteOptions = ParsedOptions<typeof textWriteOptionSpec>;
