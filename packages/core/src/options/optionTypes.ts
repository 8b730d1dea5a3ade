import { registerSecret } from '../redact.ts';
import { parseByteSize, parseDuration, type DurationUnit } from './units.ts';

/** A check that turns a raw option value (string from the fluent API, typed from factories) into T. */
export interface OptionType<T> {
  /** How the type is named in error messages, e.g. "a positive integer". */
  readonly expected: string;
  /** The coerced value, or `undefined` when `raw` is not acceptable. */
  coerce(raw: unknown): T | undefined;
}

type Presence = 'optional' | 'required' | 'default';

/**
 * One declared option. `Out` is what the parsed options object holds: `T` when required or
 * defaulted, `T | undefined` when optional. `In` is what a typed factory accepts for it (a number
 * for counts, `number | string` for durations and sizes, the literal union of an enum); the
 * fluent `.option(k, v)` takes anything and is checked when parsed.
 */
export class Option<T, Out, In = T> {
  /** @internal */ readonly _out!: Out;
  /** @internal */ readonly _in!: In;
  constructor(
    readonly type: OptionType<T>,
    readonly presence: Presence = 'optional',
    readonly defaultValue: T | undefined = undefined,
    readonly isSecret = false,
    readonly doc = '',
  ) {}

  /** The value used when the option is absent. */
  default(value: T): Option<T, T, In> {
    return new Option<T, T, In>(this.type, 'default', value, this.isSecret, this.doc);
  }

  /** The option must be given; its absence is a `MISSING_OPTION` error naming it. */
  required(): Option<T, T, In> {
    return new Option<T, T, In>(this.type, 'required', undefined, this.isSecret, this.doc);
  }

  /** The value is a secret: masked in explain/progress and scrubbed from every message. */
  secret(): Option<T, Out, In> {
    return new Option<T, Out, In>(this.type, this.presence, this.defaultValue, true, this.doc);
  }

  /** One line for docs and `UNKNOWN_OPTION` listings. */
  describe(doc: string): Option<T, Out, In> {
    return new Option<T, Out, In>(this.type, this.presence, this.defaultValue, this.isSecret, doc);
  }

  /** @internal coerce and remember secrets */
  accept(raw: unknown): T | undefined {
    const value = this.type.coerce(raw);
    if (value !== undefined && this.isSecret && typeof value === 'string') registerSecret(value);
    return value;
  }
}

function option<T, In = T>(type: OptionType<T>): Option<T, T | undefined, In> {
  return new Option<T, T | undefined, In>(type);
}

const asNumber = (raw: unknown): number | undefined => {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return undefined;
};

function integer(expected: string, min: number): OptionType<number> {
  return {
    expected,
    coerce: (raw) => {
      const n = asNumber(raw);
      return n !== undefined && Number.isSafeInteger(n) && n >= min ? n : undefined;
    },
  };
}

/** Option types. Strings are accepted wherever Spark takes strings ("10", "true", "5 seconds"). */
export const opt = {
  string: () => option<string>({ expected: 'a string', coerce: (raw) => (typeof raw === 'string' ? raw : undefined) }),
  nonEmptyString: () =>
    option<string>({ expected: 'a non-empty string', coerce: (raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw : undefined) }),
  int: () => option(integer('an integer', Number.MIN_SAFE_INTEGER)),
  positiveInt: () => option(integer('a positive integer', 1)),
  nonNegativeInt: () => option(integer('a non-negative integer', 0)),
  number: () => option<number>({ expected: 'a number', coerce: asNumber }),
  boolean: () =>
    option<boolean>({
      expected: 'true or false',
      coerce: (raw) => {
        if (typeof raw === 'boolean') return raw;
        if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true';
        return undefined;
      },
    }),
  /** A duration in milliseconds; bare numbers are in `unit` (Spark: seconds for rampUpTime, ms for delays). */
  duration: (unit: DurationUnit = 'ms') =>
    option<number, number | string>({ expected: `a duration such as "10 seconds" or "500ms" (bare numbers are ${unit})`, coerce: (raw) => parseDuration(raw, unit) }),
  /** A size in bytes: 1048576, "1m", "10g". */
  bytes: () => option<number, number | string>({ expected: 'a size such as 1048576, "64m" or "1g"', coerce: parseByteSize }),
  oneOf: <const V extends string>(values: readonly V[]) =>
    option<V>({
      expected: `one of ${values.map((v) => `'${v}'`).join(', ')}`,
      coerce: (raw) => (typeof raw === 'string' ? values.find((v) => v.toLowerCase() === raw.trim().toLowerCase()) : undefined),
    }),
  /** A list from an array or a comma-separated string ("a, b"). */
  stringList: () =>
    option<readonly string[], readonly string[] | string>({
      expected: 'a list of names (an array or a comma-separated string)',
      coerce: (raw) => {
        if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw as string[];
        if (typeof raw === 'string') return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
        return undefined;
      },
    }),
  /** A JSON value: an object as given, or a string that parses; `check` narrows it. */
  json: <T>(expected: string, check: (value: unknown) => value is T) =>
    option<T, T | string>({
      expected,
      coerce: (raw) => {
        let value = raw;
        if (typeof raw === 'string') {
          try {
            value = JSON.parse(raw);
          } catch {
            return undefined;
          }
        }
        return check(value) ? value : undefined;
      },
    }),
  /** A value of the user's own type (functions, schemas, objects), checked by `check`. */
  custom: <T>(expected: string, check: (value: unknown) => value is T) =>
    option<T>({ expected, coerce: (raw) => (check(raw) ? raw : undefined) }),
} as const;
