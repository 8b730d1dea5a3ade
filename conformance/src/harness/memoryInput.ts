import { toSchema, type SchemaLike, type StreamFrame } from '@sluice/core';
import { memoryStream, type MemoryStream } from '@sluice/sources';

/**
 * Spark's `MemoryStream[T]` as the restated tests use it: `MemoryStream[Int]` is
 * `memoryInput('value INT')`, `MemoryStream[(Int, Long)]` is `memoryInput('_1 INT, _2 BIGINT')`.
 * Each `add` is one offset, as each `addData` is in Spark.
 */
export class MemoryInput {
  readonly stream: MemoryStream;
  private readonly columns: string[];

  constructor(schema: SchemaLike, name?: string) {
    this.stream = memoryStream(schema, name);
    this.columns = toSchema(schema).fields.map((f) => f.name);
  }

  get frame(): StreamFrame {
    return this.stream.toFrame();
  }

  /** Scalars fill the first column, arrays fill columns by position, objects are rows already. */
  add(...values: readonly unknown[]): void {
    this.stream.addData(values.map((v) => this.row(v)));
  }

  private row(value: unknown): Record<string, unknown> {
    if (Array.isArray(value)) return Object.fromEntries(this.columns.map((c, i) => [c, value[i]]));
    if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) return value as Record<string, unknown>;
    return { [this.columns[0]!]: value };
  }
}

export function memoryInput(schema: SchemaLike, name?: string): MemoryInput {
  return new MemoryInput(schema, name);
}

/** `MemoryStream[Int]`. */
export function intStream(name?: string): MemoryInput {
  return new MemoryInput('value INT', name);
}
