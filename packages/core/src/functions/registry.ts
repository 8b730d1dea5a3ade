import type { DataType, RecordBatch, Vector } from 'apache-arrow';
import type { OperatorContext } from '../builders/plan.ts';
import { SluiceError, type ErrorCode } from '../errors.ts';
import type { BoundExpression } from '../expressions/bound.ts';
import type { ExprNode } from '../expressions/node.ts';
import type { BindScope } from '../expressions/scope.ts';
import type { Aggregate } from '../operators/aggregates.ts';
import type { Column } from '../operators/column.ts';
import { closestName } from '../options/closestName.ts';
import { BUILTIN_FUNCTIONS } from './builtins.ts';

/** The folders of the library, for docs and `listFunctions()`. */
export type FunctionFamily = 'conditional' | 'string' | 'regexp' | 'hash' | 'datetime' | 'math' | 'collection' | 'higher-order' | 'json' | 'misc' | 'aggregate' | 'generator' | 'user';

/** A function's documentation: its call form, what it does, and examples that run as tests. */
export interface FunctionDoc {
  /** `substring(str, pos[, len])` */
  readonly usage: string;
  readonly description: string;
  /** `sql` evaluated on one row must give `result` (row convention: strings, numbers, bigint, null …). */
  readonly examples: readonly { readonly sql: string; readonly result: unknown }[];
}

/** A lambda argument bound for element types: evaluate its body over a batch of elements. */
export interface BoundLambda {
  readonly type: DataType;
  readonly name: string;
  /**
   * Evaluate the body where parameter k takes `params[k]` and the outer row of element i is
   * `rowOf[i]` (outer columns the body uses are taken by that index).
   */
  evaluate(batch: RecordBatch, context: OperatorContext, params: readonly Vector[], rowOf: Int32Array): Vector;
}

/** What a function's `bind` is given: its bound arguments, where it was called, and the scope. */
export interface CallContext {
  /** The name as written. */
  readonly name: string;
  readonly node: Extract<ExprNode, { op: 'call' }>;
  /** Bound arguments; a lambda argument is bound on demand by `bindLambda` and is undefined here. */
  readonly args: readonly BoundExpression[];
  readonly scope: BindScope;
  /** Spark's name of the call's output column, e.g. `substring(name, 1, 3)`. */
  readonly outputName: string;
  /** A coded error with a caret under argument `arg` (or the whole call). */
  fail(message: string, arg?: number, code?: ErrorCode): never;
  /** Bind the lambda argument `arg` with parameters of these types. */
  bindLambda(arg: number, paramTypes: readonly DataType[]): BoundLambda;
}

interface DefinitionBase {
  /** Spark's name, lower case. */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly family: FunctionFamily;
  /** Fewest and most arguments (Infinity for variadic). */
  readonly arity: readonly [number, number];
  readonly doc: FunctionDoc;
}

/** A function of a row's values: one value out per row in. */
export interface ScalarFunctionDefinition extends DefinitionBase {
  readonly kind?: 'scalar';
  /** Argument positions holding lambdas (`transform(arr, x -> …)`), bound by the function itself. */
  readonly lambdaArgs?: readonly number[];
  /** Check argument types, pick the return type and kernel. */
  bind(call: CallContext): BoundExpression;
}

/** An aggregate (`count`, `sum` …): allowed in `agg(...)` and in SQL with GROUP BY. */
export interface AggregateFunctionDefinition extends DefinitionBase {
  readonly kind: 'aggregate';
  /** The aggregate over these argument columns (`count(*)` passes none). */
  aggregate(args: readonly Column[], options: { readonly distinct: boolean; readonly fail: (message: string) => never }): Aggregate;
}

/** A generator (`explode` …): rows out per row in, allowed alone in a select list. */
export interface GeneratorFunctionDefinition extends DefinitionBase {
  readonly kind: 'generator';
  bind(call: CallContext): BoundGenerator;
}

/** A bound generator: its output columns and, per batch, the rows it makes. */
export interface BoundGenerator {
  readonly fields: readonly { readonly name: string; readonly type: DataType }[];
  /** For each output row, its input row (`rowOf`) and the generated columns. */
  generate(batch: RecordBatch, context: OperatorContext): { readonly rowOf: Int32Array; readonly columns: readonly Vector[] };
}

/** A function as the registry holds it (`registerFunction(definition)` adds one): scalar, aggregate or generator. */
export type FunctionDefinition = ScalarFunctionDefinition | AggregateFunctionDefinition | GeneratorFunctionDefinition;

const functions = new Map<string, FunctionDefinition>();
const builtinNames = new Set<string>();
let builtinsLoaded = false;

/** The built-in table is registered on first use (module cycles make registering at load time fragile). */
function ensureBuiltins(): void {
  if (builtinsLoaded) return;
  builtinsLoaded = true;
  defineFunctions(BUILTIN_FUNCTIONS, true);
}

/** Add definitions to the registry (the built-in table does this once; users through `registerFunction`). */
export function defineFunctions(definitions: readonly FunctionDefinition[], builtin = false): void {
  if (!builtin) ensureBuiltins();
  for (const definition of definitions) {
    for (const name of [definition.name, ...(definition.aliases ?? [])]) {
      functions.set(name.toLowerCase(), definition);
      if (builtin) builtinNames.add(name.toLowerCase());
    }
  }
}

/** The definition registered under `name` (case-insensitive), or undefined. */
export function findFunction(name: string): FunctionDefinition | undefined {
  ensureBuiltins();
  return functions.get(name.toLowerCase());
}

/** The definition of `name`, or an UNKNOWN_FUNCTION error with a did-you-mean. */
export function lookupFunction(name: string, fail: (code: ErrorCode, message: string) => never): FunctionDefinition {
  const found = findFunction(name);
  if (found) return found;
  const suggestion = closestName(name, [...functions.keys()]);
  return fail(
    'UNKNOWN_FUNCTION',
    `Function '${name}' does not exist.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Register your own with registerFunction('${name}', fn, returnType); listFunctions() lists them all.`,
  );
}

/**
 * Every registered name with its family and usage, sorted (Spark's `SHOW FUNCTIONS`).
 *
 * @example
 * for (const f of listFunctions().filter((f) => !f.builtin)) console.log(f.usage);
 */
export function listFunctions(): { readonly name: string; readonly family: FunctionFamily; readonly usage: string; readonly builtin: boolean }[] {
  ensureBuiltins();
  return [...functions.entries()]
    .map(([name, d]) => ({ name, family: d.family, usage: d.doc.usage, builtin: builtinNames.has(name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Remove a user function (built-ins stay); true when it was registered.
 *
 * @example
 * dropFunction('plus_one');
 */
export function dropFunction(name: string): boolean {
  ensureBuiltins();
  const key = name.toLowerCase();
  if (builtinNames.has(key)) throw new SluiceError('INVALID_QUERY', `'${name}' is a built-in function and cannot be dropped.`);
  return functions.delete(key);
}

/** Whether `name` is a built-in (users may replace built-ins only deliberately). */
export function isBuiltinFunction(name: string): boolean {
  ensureBuiltins();
  return builtinNames.has(name.toLowerCase());
}
