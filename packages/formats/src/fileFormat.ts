import type { Schema, Table } from 'apache-arrow';
import type { OptionSchema, Option } from '@sluice/core/connector';

type AnyOption = Option<unknown, unknown>;

/** What a codec needs to read one file's bytes. */
export interface ReadRequest<O> {
  /** The columns wanted; json and csv need it (or an inferred one), parquet and text do not. */
  readonly schema?: Schema;
  /** The file's path, for error messages ("file /in/a.csv line 12"). */
  readonly file?: string;
  /** Parsed read options; absent keys take their defaults. */
  readonly options?: Partial<O>;
}

/**
 * A codec between Arrow tables and the bytes of one file. No streaming here: the file source
 * and sink (in other packages) decide which files, when, and where.
 */
export interface FileFormat<RS extends Record<string, AnyOption>, WS extends Record<string, AnyOption>, RO, WO> {
  readonly name: 'json' | 'csv' | 'text' | 'parquet';
  /** Extension of files this format writes, with the dot. */
  readonly extension: string;
  /** The read option declarations, to spread into a source's own `defineOptions`. */
  readonly readOptionSpec: RS;
  /** The write option declarations, to spread into a sink's own `defineOptions`. */
  readonly writeOptionSpec: WS;
  readonly readOptions: OptionSchema<RS>;
  readonly writeOptions: OptionSchema<WS>;
  read(bytes: Uint8Array, request?: ReadRequest<RO>): Table;
  write(table: Table, options?: Partial<WO>): Uint8Array;
  /** `read` for codecs that can spread a large file over several cores (Parquet); callers that can wait prefer it. */
  readAsync?(bytes: Uint8Array, request?: ReadRequest<RO>): Promise<Table>;
  /** `write` for codecs that can spread a large table over several cores (Parquet); callers that can wait prefer it. */
  writeAsync?(table: Table, options?: Partial<WO>): Promise<Uint8Array>;
}

/** Defaults of an option schema merged under the given (already parsed) values. */
export function withDefaults<S extends Record<string, AnyOption>, O>(schema: OptionSchema<S>, given: Partial<O> | undefined): O {
  const defaults = schema.parse({}).options as unknown as O;
  if (given === undefined) return defaults;
  const out = { ...defaults } as Record<string, unknown>;
  // null is an option not given (Spark: a null mode is PERMISSIVE), as in OptionSchema.parse.
  for (const [k, v] of Object.entries(given)) if (v !== undefined && v !== null) out[k] = v;
  return out as O;
}

/** "file /in/a.csv" or "the input" for messages. */
export function describeFile(file: string | undefined): string {
  return file === undefined ? 'the input' : `file ${file}`;
}
