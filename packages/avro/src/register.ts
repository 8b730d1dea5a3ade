import { registerFunction, type Column, type ColumnLike } from '@sluice/core';
import { fromAvroFunction } from './fromAvro.ts';
import { toAvroFunction } from './toAvro.ts';

type Builder = (...args: readonly (ColumnLike | Column)[]) => Column;
let builders: { fromAvro: Builder; toAvro: Builder } | undefined;

/**
 * Register `from_avro` and `to_avro` in core's function registry, so SQL strings can call them
 * (`expr("from_avro(value, '…schema…')")`). `fromAvro`/`toAvro` do it on first use; call this to
 * use the SQL names before either.
 *
 * @example registerAvroFunctions(); frame.pipe(selectExpr("from_avro(value, '\"long\"') AS id"));
 */
export function registerAvroFunctions(): void {
  avroFunctions();
}

/** The Column builders of the registered functions (registering them once). */
export function avroFunctions(): { fromAvro: Builder; toAvro: Builder } {
  builders ??= { fromAvro: registerFunction(fromAvroFunction) as Builder, toAvro: registerFunction(toAvroFunction) as Builder };
  return builders;
}
