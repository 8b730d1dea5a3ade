import type { DataType } from 'apache-arrow';
import { toDataType } from '../arrow/schema.ts';
import { SluiceError } from '../errors.ts';
import { isDateType } from '../expressions/types.ts';
import type { Column, ColumnLike } from '../operators/column.ts';
import { argAs } from './arguments.ts';
import { callColumn, colArg } from './build.ts';
import { defineFunctions, type FunctionDefinition } from './registry.ts';
import { rowFunction } from './rowFunction.ts';

/** What `registerFunction(name, fn, returnType, options)` is told about a row function besides its code. */
export interface RegisterFunctionOptions {
  /** Spark type names the arguments are cast to (and their count checked), e.g. `['string', 'int']`. */
  readonly argumentTypes?: readonly string[];
  /** False when the function gives different results for the same input (random, time): never folded. */
  readonly deterministic?: boolean;
  /** Shown by `listFunctions()`. */
  readonly description?: string;
}

/**
 * Register a function by name, usable in SQL strings (`expr('plus_one(x)')`, `sql(...)`) and
 * through the returned Column builder (Spark's `spark.udf.register`). `fn` receives one value
 * per argument — numbers, bigints for BIGINT, strings, booleans, `Uint8Array` for binary, epoch
 * milliseconds for TIMESTAMP and DATE, arrays, objects for structs, `Map`s; null as null — and
 * returns a value of `returnType` (null for null). It runs once per row (the row path).
 *
 * A full `FunctionDefinition` (own type rules and columnar kernel, e.g. `from_avro`) registers
 * the same way: `registerFunction(definition)`.
 *
 * @example
 * const plusOne = registerFunction('plus_one', (x: number | null) => (x === null ? null : x + 1), 'int');
 * frame.pipe(selectExpr('plus_one(amount) AS next'), select(plusOne('amount')));
 */
export function registerFunction(name: string, fn: (...args: never[]) => unknown, returnType: string | DataType, options?: RegisterFunctionOptions): (...args: readonly ColumnLike[]) => Column;
export function registerFunction(definition: FunctionDefinition): (...args: readonly ColumnLike[]) => Column;
export function registerFunction(
  nameOrDefinition: string | FunctionDefinition,
  fn?: (...args: never[]) => unknown,
  returnType?: string | DataType,
  options: RegisterFunctionOptions = {},
): (...args: readonly ColumnLike[]) => Column {
  const definition = typeof nameOrDefinition === 'string' ? userDefinition(nameOrDefinition, fn!, returnType!, options) : nameOrDefinition;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(definition.name)) {
    throw new SluiceError('INVALID_OPTION', `Function name '${definition.name}' must be letters, digits and underscores, starting with a letter or underscore.`);
  }
  if (typeof nameOrDefinition === 'string' && typeof fn !== 'function') throw new SluiceError('INVALID_OPTION', `registerFunction('${definition.name}', fn, returnType): fn must be a function.`);
  defineFunctions([definition]);
  return (...args) => callColumn(definition.name, ...args.map(colArg));
}

function userDefinition(name: string, fn: (...args: never[]) => unknown, returnType: string | DataType, options: RegisterFunctionOptions): FunctionDefinition {
  const type = typeof returnType === 'string' ? toDataType(returnType) : returnType;
  const argumentTypes = options.argumentTypes?.map((t) => toDataType(t));
  const arity: [number, number] = argumentTypes ? [argumentTypes.length, argumentTypes.length] : [0, Infinity];
  return {
    name: name.toLowerCase(),
    family: 'user',
    arity,
    doc: { usage: `${name}(${argumentTypes ? options.argumentTypes!.join(', ') : '...'})`, description: options.description ?? 'A user-registered function.', examples: [] },
    bind: (call) => {
      const args = argumentTypes ? argumentTypes.map((t, i) => argAs(call, i, t)) : call.args;
      const dates = args.map((a) => isDateType(a.type));
      const returnsDate = isDateType(type);
      return rowFunction(
        call.outputName,
        type,
        args,
        (...values) => {
          const input = values.slice(0, args.length).map((v, i) => (dates[i] && v !== null ? (v as number) * 86_400_000 : v));
          const out = (fn as (...a: unknown[]) => unknown)(...input);
          if (out instanceof Date) return returnsDate ? Math.floor(out.getTime() / 86_400_000) : out.getTime();
          return returnsDate && typeof out === 'number' ? Math.floor(out / 86_400_000) : out;
        },
        { nullSafe: true, ...(options.deterministic === false ? { deterministic: false } : {}) },
      );
    },
  };
}
