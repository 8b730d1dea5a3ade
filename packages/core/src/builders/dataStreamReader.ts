import { toSchema, type SchemaLike } from '../arrow/schema.ts';
import { SluiceError } from '../errors.ts';
import { sourceFormat } from '../registry/formatRegistry.ts';
import type { Schema } from 'apache-arrow';
import { StreamFrame } from './streamFrame.ts';

/**
 * Spark's `spark.readStream`: choose a format, set options, load a stream.
 *
 * @example
 * const events = readStream().format('kafka')
 *   .option('kafka.bootstrap.servers', 'localhost:9092')
 *   .option('subscribe', 'events')
 *   .load();
 */
export class DataStreamReader {
  private constructor(
    private readonly formatName: string | undefined,
    private readonly optionValues: Readonly<Record<string, unknown>>,
    private readonly userSchema: Schema | undefined,
  ) {}

  static create(): DataStreamReader {
    return new DataStreamReader(undefined, {}, undefined);
  }

  format(name: string): DataStreamReader {
    return new DataStreamReader(name, this.optionValues, this.userSchema);
  }

  /** Set an option; keys are case-insensitive, and a later value replaces an earlier one whatever its case (Spark's SPARK-32832). */
  option(key: string, value: unknown): DataStreamReader {
    return new DataStreamReader(this.formatName, withOption(this.optionValues, key, value), this.userSchema);
  }

  options(values: Readonly<Record<string, unknown>>): DataStreamReader {
    let merged = this.optionValues;
    for (const [key, value] of Object.entries(values)) merged = withOption(merged, key, value);
    return new DataStreamReader(this.formatName, merged, this.userSchema);
  }

  /** The schema of the rows (required by file sources): Spark DDL, `{ col: 'type' }` or an Arrow schema. */
  schema(schema: SchemaLike): DataStreamReader {
    return new DataStreamReader(this.formatName, this.optionValues, toSchema(schema));
  }

  /**
   * Build the stream; `path` is the `path` option. Options are validated here, not when the query
   * starts. Without `format(...)` the stream reads Parquet files, Spark's default source format
   * (`spark.sql.sources.default`).
   */
  load(path?: string): StreamFrame {
    const format = this.formatName ?? 'parquet';
    if (path !== undefined && Object.keys(this.optionValues).some((k) => k.toLowerCase() === 'path')) {
      // Spark's SPARK-32516 rule: two paths are a mistake, not an override.
      throw new SluiceError('INVALID_OPTION', "There is a 'path' option set and load() is called with a path parameter. Either remove the path option, or call load() without the parameter.", { details: { option: 'path' } });
    }
    const options = path === undefined ? this.optionValues : { ...this.optionValues, path };
    const provider = sourceFormat(format).createSource({ options, ...(this.userSchema ? { userSchema: this.userSchema } : {}) });
    return StreamFrame.fromSource(provider);
  }
}

/** `options` with `key` set, any key equal to it but for case removed first. */
export function withOption(options: Readonly<Record<string, unknown>>, key: string, value: unknown): Record<string, unknown> {
  const lower = key.toLowerCase();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (k.toLowerCase() !== lower) out[k] = v;
  out[key] = value;
  return out;
}

/**
 * Start defining a stream, Spark-style.
 *
 * @example
 * const query = await readStream().format('rate').option('rowsPerSecond', 10).load()
 *   .writeStream().format('console').start();
 */
export function readStream(): DataStreamReader {
  return DataStreamReader.create();
}
