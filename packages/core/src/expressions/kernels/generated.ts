/**
 * Loops compiled once per operator and operand shape. A generic loop that calls an operator
 * closure per row goes megamorphic across operators and runs several times slower than the loop
 * a person would write; generating the loop body per (operator, shape) keeps every loop
 * monomorphic, as DataFusion's per-type kernels are.
 */
const compiled = new Map<string, (...args: never[]) => unknown>();

/**
 * A function `(params...) => ...` with `body` as its source, compiled once per `key`.
 * Bodies are written by this module's callers from fixed templates, never from user text.
 */
export function compileKernel<F extends (...args: never[]) => unknown>(key: string, params: readonly string[], body: string): F {
  let fn = compiled.get(key);
  if (!fn) {
    fn = new Function(...params, body) as (...args: never[]) => unknown;
    compiled.set(key, fn);
  }
  return fn as F;
}

/** How an operand is read in a generated loop: a column (`a[i]`) or one value for all rows (`a`). */
export type Shape = 'column' | 'scalar';

export function operandRead(name: string, shape: Shape): string {
  return shape === 'column' ? `${name}[i]` : name;
}
