import { SluiceError } from '../errors.ts';
import { redactOptions } from '../redact.ts';
import type { Option } from './optionTypes.ts';
import { closestName } from './closestName.ts';

type AnyOption = Option<unknown, unknown>;

/** The typed object `OptionSchema.parse` returns for a spec: each option's parsed type. */
export type ParsedOptions<S extends Record<string, AnyOption>> = { readonly [K in keyof S]: S[K]['_out'] };

/**
 * What a typed factory accepts for a spec: each option optional, with its declared input type
 * (`opt.positiveInt()` → number, `opt.duration()` → number | string, `opt.oneOf(['a', 'b'])` →
 * 'a' | 'b'). A wrong type is a compile error; required options are still checked when parsed.
 *
 * @example
 * const spec = defineOptions('counter', { rowsPerBatch: opt.positiveInt().default(10), every: opt.duration() });
 * export function counterSource(options: OptionsInput<typeof spec.spec> = {}): StreamFrame { … }
 * counterSource({ rowsPerBatch: 'ten' }); // does not compile
 */
export type OptionsInput<S extends Record<string, AnyOption>> = { readonly [K in keyof S]?: S[K]['_in'] };

/** Settings of an option schema beyond its declared options. */
export interface OptionSchemaConfig {
  /** Key prefixes passed through untouched (Spark's `kafka.*`); collected in `passthrough`. */
  readonly passthroughPrefixes?: readonly string[];
}

/** What `OptionSchema.parse` returns: the typed options, and the passthrough keys. */
export interface OptionParseResult<S extends Record<string, AnyOption>> {
  readonly options: ParsedOptions<S>;
  /** Keys under a passthrough prefix, prefix removed: `kafka.client.id` → `client.id`. */
  readonly passthrough: Readonly<Record<string, unknown>>;
}

/**
 * The declared options of one format. Parsing happens once, at the edge: keys are matched
 * case-insensitively (as Spark's CaseInsensitiveMap), values coerced to their types, defaults
 * applied; a missing, mistyped or unknown key is a `SluiceError` naming it — a misspelled
 * option is never silently ignored.
 *
 * @example
 * const rateOptions = defineOptions('rate', {
 *   rowsPerSecond: opt.positiveInt().default(1),
 *   rampUpTime: opt.duration('s').default(0),
 * });
 * rateOptions.parse({ rowsPerSecond: '10' }).options.rowsPerSecond // 10
 */
export class OptionSchema<S extends Record<string, AnyOption>> {
  private readonly byLowerName: Map<string, string>;

  constructor(
    readonly format: string,
    readonly spec: S,
    readonly config: OptionSchemaConfig = {},
  ) {
    this.byLowerName = new Map(Object.keys(spec).map((name) => [name.toLowerCase(), name]));
  }

  get names(): string[] {
    return Object.keys(this.spec);
  }

  parse(raw: Readonly<Record<string, unknown>>): OptionParseResult<S> {
    const out: Record<string, unknown> = {};
    const passthrough: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      // null is an option not given, as Spark reads option("mode", null) as the default mode.
      if (value === undefined || value === null) continue;
      const prefix = this.config.passthroughPrefixes?.find((p) => key.toLowerCase().startsWith(p.toLowerCase()));
      if (prefix !== undefined) {
        passthrough[key.slice(prefix.length)] = value;
        continue;
      }
      const name = this.byLowerName.get(key.toLowerCase());
      if (name === undefined) throw this.unknown(key);
      const option = this.spec[name]!;
      const coerced = option.accept(value);
      if (coerced === undefined) {
        const shown = option.isSecret ? '***' : JSON.stringify(redactOptions({ [key]: value })[key]) ?? String(value);
        throw new SluiceError(
          'INVALID_OPTION',
          `Option '${name}' of format '${this.format}' must be ${option.type.expected}, got ${shown}.`,
          { details: { format: this.format, option: name } },
        );
      }
      out[name] = coerced;
    }
    for (const [name, option] of Object.entries(this.spec)) {
      if (name in out) continue;
      if (option.presence === 'required') {
        throw new SluiceError(
          'MISSING_OPTION',
          `Format '${this.format}' requires option '${name}' (${option.type.expected})${option.doc ? `: ${option.doc}` : ''}.`,
          { details: { format: this.format, option: name } },
        );
      }
      if (option.presence === 'default') out[name] = option.defaultValue;
    }
    return { options: out as ParsedOptions<S>, passthrough };
  }

  private unknown(key: string): SluiceError {
    const valid = this.names;
    const suggestion = closestName(key, valid);
    const prefixes = this.config.passthroughPrefixes?.length ? ` (and any key starting with ${this.config.passthroughPrefixes.map((p) => `'${p}'`).join(', ')})` : '';
    return new SluiceError(
      'UNKNOWN_OPTION',
      `Unknown option '${key}' for format '${this.format}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Valid options: ${valid.join(', ') || '(none)'}${prefixes}.`,
      { details: { format: this.format, option: key, valid } },
    );
  }
}

/** Declare the options of a source or sink format; see `OptionSchema`. */
export function defineOptions<S extends Record<string, AnyOption>>(format: string, spec: S, config?: OptionSchemaConfig): OptionSchema<S> {
  return new OptionSchema(format, spec, config);
}
