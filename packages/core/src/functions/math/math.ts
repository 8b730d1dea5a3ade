import { Float64, Int32, Int64, Utf8, type DataType } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { decimalArrowType, decimalSpec, decimalSpecOf } from '../../decimal/decimalType.ts';
import { numericArithmetic } from '../../expressions/arithmetic.ts';
import { constantExpression, type BoundExpression } from '../../expressions/bound.ts';
import { bindArithmetic } from '../../expressions/operators.ts';
import { is64Bit } from '../../expressions/kernels/numbers.ts';
import { DOUBLE, isDecimalType, isFloatingType, isIntegralType, isNullType, isNumericType, isStringType } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs, constantArg } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { doubleMap } from './mathKernels.ts';

/** A numeric argument (strings read as doubles, as Spark's implicit cast does). */
function numericArg(call: CallContext, index: number): BoundExpression {
  const arg = call.args[index]!;
  if (isNumericType(arg.type) || isNullType(arg.type)) return isNullType(arg.type) ? argAs(call, index, DOUBLE()) : arg;
  if (isStringType(arg.type)) return argAs(call, index, DOUBLE());
  return call.fail(`needs a numeric argument, but ${arg.name} is ${sparkTypeName(arg.type)}`, index);
}

function unaryDouble(name: string, expression: string, description: string, example: { sql: string; result: unknown }, nullWhen = 'false', aliases: readonly string[] = []): ScalarFunctionDefinition {
  return {
    name,
    aliases,
    family: 'math',
    arity: [1, 1],
    doc: { usage: `${name}(expr)`, description, examples: [example] },
    bind: (call) => doubleMap(call.outputName, argAs(call, 0, new Float64()), expression, nullWhen),
  };
}

export const sqrtFunction = unaryDouble('sqrt', 'Math.sqrt(x)', 'Square root (NaN for a negative number).', { sql: 'sqrt(4)', result: 2 });
export const cbrtFunction = unaryDouble('cbrt', 'Math.cbrt(x)', 'Cube root.', { sql: 'cbrt(27.0D)', result: 3 });
export const expFunction = unaryDouble('exp', 'Math.exp(x)', 'e to the power `expr`.', { sql: 'exp(0)', result: 1 });
export const expm1Function = unaryDouble('expm1', 'Math.expm1(x)', 'exp(expr) − 1.', { sql: 'expm1(0)', result: 0 });
export const lnFunction = unaryDouble('ln', 'Math.log(x)', 'Natural logarithm; null for a non-positive number.', { sql: 'ln(1)', result: 0 }, 'x <= 0');
export const log10Function = unaryDouble('log10', 'Math.log10(x)', 'Base-10 logarithm; null for a non-positive number.', { sql: 'log10(10)', result: 1 }, 'x <= 0');
export const log2Function = unaryDouble('log2', 'Math.log2(x)', 'Base-2 logarithm; null for a non-positive number.', { sql: 'log2(2)', result: 1 }, 'x <= 0');
export const log1pFunction = unaryDouble('log1p', 'Math.log1p(x)', 'ln(1 + expr); null at or below −1.', { sql: 'log1p(0)', result: 0 }, 'x <= -1');
export const sinFunction = unaryDouble('sin', 'Math.sin(x)', 'Sine (radians).', { sql: 'sin(0)', result: 0 });
export const cosFunction = unaryDouble('cos', 'Math.cos(x)', 'Cosine (radians).', { sql: 'cos(0)', result: 1 });
export const tanFunction = unaryDouble('tan', 'Math.tan(x)', 'Tangent (radians).', { sql: 'tan(0)', result: 0 });
export const asinFunction = unaryDouble('asin', 'Math.asin(x)', 'Arc sine (NaN outside [−1, 1]).', { sql: 'asin(0)', result: 0 });
export const acosFunction = unaryDouble('acos', 'Math.acos(x)', 'Arc cosine (NaN outside [−1, 1]).', { sql: 'acos(1)', result: 0 });
export const atanFunction = unaryDouble('atan', 'Math.atan(x)', 'Arc tangent.', { sql: 'atan(0)', result: 0 });
export const sinhFunction = unaryDouble('sinh', 'Math.sinh(x)', 'Hyperbolic sine.', { sql: 'sinh(0)', result: 0 });
export const coshFunction = unaryDouble('cosh', 'Math.cosh(x)', 'Hyperbolic cosine.', { sql: 'cosh(0)', result: 1 });
export const tanhFunction = unaryDouble('tanh', 'Math.tanh(x)', 'Hyperbolic tangent.', { sql: 'tanh(0)', result: 0 });
export const degreesFunction = unaryDouble('degrees', 'x * 57.29577951308232', 'Radians to degrees.', { sql: 'degrees(pi())', result: 180 });
export const radiansFunction = unaryDouble('radians', 'x / 57.29577951308232', 'Degrees to radians.', { sql: 'radians(180)', result: Math.PI });
export const signumFunction = unaryDouble('signum', '(x > 0 ? 1 : x < 0 ? -1 : x)', 'The sign: −1.0, 0.0 or 1.0 (NaN for NaN).', { sql: 'signum(40)', result: 1 }, 'false', ['sign']);

export const logFunction: ScalarFunctionDefinition = {
  name: 'log',
  family: 'math',
  arity: [1, 2],
  doc: { usage: 'log([base, ]expr)', description: 'Natural logarithm, or in `base`; null for a non-positive number or base.', examples: [{ sql: 'log(10, 100)', result: 2 }, { sql: 'log(1)', result: 0 }] },
  bind: (call) => {
    if (call.args.length === 1) return doubleMap(call.outputName, argAs(call, 0, new Float64()), 'Math.log(x)', 'x <= 0');
    return rowFunction(call.outputName, new Float64(), [argAs(call, 0, new Float64()), argAs(call, 1, new Float64())], (b, x) => ((b as number) <= 0 || (x as number) <= 0 ? null : Math.log(x as number) / Math.log(b as number)));
  },
};

function binaryDouble(name: string, fn: (x: number, y: number) => number, description: string, example: { sql: string; result: unknown }, aliases: readonly string[] = []): ScalarFunctionDefinition {
  return {
    name,
    aliases,
    family: 'math',
    arity: [2, 2],
    doc: { usage: `${name}(expr1, expr2)`, description, examples: [example] },
    bind: (call) => rowFunction(call.outputName, new Float64(), [argAs(call, 0, new Float64()), argAs(call, 1, new Float64())], (x, y) => fn(x as number, y as number)),
  };
}

export const powFunction = binaryDouble('pow', (x, y) => Math.pow(x, y), '`expr1` to the power `expr2`, as a double.', { sql: 'pow(2, 3)', result: 8 }, ['power']);
export const atan2Function = binaryDouble('atan2', Math.atan2, 'The angle of the point (expr2, expr1), in radians.', { sql: 'atan2(0, 0)', result: 0 });
export const hypotFunction = binaryDouble('hypot', Math.hypot, 'sqrt(expr1² + expr2²).', { sql: 'hypot(3, 4)', result: 5 });

export const piFunction: ScalarFunctionDefinition = {
  name: 'pi', family: 'math', arity: [0, 0],
  doc: { usage: 'pi()', description: 'π.', examples: [{ sql: 'pi()', result: Math.PI }] },
  bind: (call) => constantExpression(call.outputName, new Float64(), Math.PI),
};
export const eFunction: ScalarFunctionDefinition = {
  name: 'e', family: 'math', arity: [0, 0],
  doc: { usage: 'e()', description: "Euler's number.", examples: [{ sql: 'e()', result: Math.E }] },
  bind: (call) => constantExpression(call.outputName, new Float64(), Math.E),
};

export const absFunction: ScalarFunctionDefinition = {
  name: 'abs',
  family: 'math',
  arity: [1, 1],
  doc: { usage: 'abs(expr)', description: 'The absolute value (integers wrap at their minimum, as in Java).', examples: [{ sql: 'abs(-1)', result: 1 }] },
  bind: (call) => {
    const arg = numericArg(call, 0);
    if (is64Bit(arg.type)) return rowFunction(call.outputName, arg.type, [arg], (v) => BigInt.asIntN(64, (v as bigint) < 0n ? -(v as bigint) : (v as bigint)));
    if (isIntegralType(arg.type)) return rowFunction(call.outputName, arg.type, [arg], (v) => wrapTo(arg.type, Math.abs(v as number)));
    if (isDecimalType(arg.type)) return rowFunction(call.outputName, arg.type, [arg], (v) => ((v as bigint) < 0n ? -(v as bigint) : v));
    return doubleMap(call.outputName, arg, 'Math.abs(x)', 'false', arg.type);
  },
};

function wrapTo(type: DataType, v: number): number {
  const bits = (type as unknown as { bitWidth: number }).bitWidth;
  return bits === 32 ? v | 0 : bits === 16 ? (v << 16) >> 16 : (v << 24) >> 24;
}

export const negativeFunction: ScalarFunctionDefinition = {
  name: 'negative',
  family: 'math',
  arity: [1, 1],
  doc: { usage: 'negative(expr) | -expr', description: 'The negated value (integers wrap).', examples: [{ sql: 'negative(1)', result: -1 }] },
  bind: (call) => {
    const arg = numericArg(call, 0);
    const zero = constantExpression('0', isFloatingType(arg.type) || isDecimalType(arg.type) ? arg.type : arg.type, is64Bit(arg.type) ? 0n : 0);
    if (isDecimalType(arg.type)) return rowFunction(call.outputName, arg.type, [arg], (v) => -(v as bigint));
    if (isFloatingType(arg.type)) return doubleMap(call.outputName, arg, '-x', 'false', arg.type);
    return { ...numericArithmetic('-', zero, arg, call.outputName), name: call.outputName };
  },
};

export const positiveFunction: ScalarFunctionDefinition = {
  name: 'positive',
  family: 'math',
  arity: [1, 1],
  doc: { usage: 'positive(expr) | +expr', description: 'The value itself.', examples: [{ sql: 'positive(1)', result: 1 }] },
  bind: (call) => ({ ...numericArg(call, 0), name: call.outputName }),
};

/** Spark rounds the decimal value of a double as printed (BigDecimal of Double.toString), so 1.005 rounds up. */
export function roundDecimalString(x: number, scale: number, halfEven: boolean): number {
  if (!Number.isFinite(x)) return x;
  const negative = x < 0;
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);
  // value = 0.digits × 10^(exponent + 1); keep `exponent + 1 + scale` digits.
  const keep = exponent + 1 + scale;
  if (keep < 0) return negative ? -0 : 0;
  if (keep >= digits.length) return x;
  const kept = digits.slice(0, keep) || '0';
  const next = Number(digits[keep]);
  const rest = digits.slice(keep + 1);
  const roundUp = next > 5 || (next === 5 && (!halfEven || /[1-9]/.test(rest) || Number(kept.at(-1) ?? '0') % 2 === 1));
  const value = BigInt(kept) + (roundUp ? 1n : 0n);
  const result = Number(`${value}e${exponent + 1 - keep}`);
  return negative ? -result : result;
}

function roundInteger(v: bigint, scale: number, halfEven: boolean): bigint {
  if (scale >= 0) return v;
  const unit = 10n ** BigInt(-scale);
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const q = abs / unit;
  const r = abs % unit;
  const twice = r * 2n;
  const up = twice > unit || (twice === unit && (!halfEven || q % 2n === 1n));
  const result = (q + (up ? 1n : 0n)) * unit;
  return negative ? -result : result;
}

/**
 * round/bround of a DECIMAL(p, s) to `scale` places: Spark's result type keeps one more integral
 * digit (9.9 rounds to 10) and min(s, scale) fraction digits (none for a negative scale).
 */
function roundDecimal(name: string, arg: BoundExpression, scale: number, halfEven: boolean): BoundExpression {
  const { precision: p, scale: s } = decimalSpecOf(arg.type)!;
  const integral = p - s + 1;
  const target = scale < 0 ? decimalSpec(Math.min(Math.max(integral, -scale + 1), 38), 0) : decimalSpec(Math.min(integral + Math.min(s, scale), 38), Math.min(s, scale));
  // Round to 10^-scale in the source scale, then express it at the target scale.
  const unit = 10n ** BigInt(Math.max(0, s - scale));
  const toTarget = 10n ** BigInt(Math.max(0, s - target.scale));
  return rowFunction(name, decimalArrowType(target), [arg], (v) => {
    const x = v as bigint;
    const negative = x < 0n;
    const abs = negative ? -x : x;
    const q = abs / unit;
    const r = abs % unit;
    const up = r * 2n > unit || (r * 2n === unit && (!halfEven || q % 2n === 1n));
    const rounded = (q + (up ? 1n : 0n)) * unit;
    const result = rounded / toTarget;
    return negative ? -result : result;
  });
}

function roundFunction(name: string, halfEven: boolean): ScalarFunctionDefinition {
  return {
    name,
    family: 'math',
    arity: [1, 2],
    doc: {
      usage: `${name}(expr[, d])`,
      description: `\`expr\` rounded to \`d\` decimal places (negative: to tens, hundreds …) with ${halfEven ? 'HALF_EVEN (banker\'s)' : 'HALF_UP'} rounding; the type is kept.`,
      examples: halfEven ? [{ sql: 'bround(2.5D, 0)', result: 2 }, { sql: 'bround(25, -1)', result: 20 }] : [{ sql: 'round(2.5D, 0)', result: 3 }, { sql: 'round(1.005D, 2)', result: 1.01 }],
    },
    bind: (call) => {
      const arg = numericArg(call, 0);
      const scaleValue = call.args[1] ? constantArg(call, 1, 'the scale') : 0;
      const bound = bindRound(call.outputName, arg, scaleValue === null ? 0 : Number(scaleValue), halfEven);
      // A NULL scale gives null (Spark's RoundBase), typed as for scale 0.
      return scaleValue === null ? rowFunction(call.outputName, bound.type, [arg], () => null) : bound;
    },
  };
}

function bindRound(outputName: string, arg: BoundExpression, scale: number, halfEven: boolean): BoundExpression {
  if (isIntegralType(arg.type)) {
    return rowFunction(outputName, arg.type, [arg], (v) => {
      const r = roundInteger(BigInt(v as number | bigint), scale, halfEven);
      return is64Bit(arg.type) ? BigInt.asIntN(64, r) : wrapTo(arg.type, Number(r));
    });
  }
  if (isDecimalType(arg.type)) return roundDecimal(outputName, arg, scale, halfEven);
  return rowFunction(outputName, arg.type, [arg], (v) => roundDecimalString(v as number, scale, halfEven));
}

export const roundFunctionDefinition = roundFunction('round', false);
export const broundFunction = roundFunction('bround', true);

function floorCeil(name: string, up: boolean, aliases: readonly string[] = []): ScalarFunctionDefinition {
  return {
    name,
    aliases,
    family: 'math',
    arity: [1, 1],
    doc: { usage: `${name}(expr)`, description: `The ${up ? 'smallest integer not below' : 'largest integer not above'} \`expr\`, as a bigint.`, examples: [{ sql: `${name}(-0.1D)`, result: up ? 0n : -1n }, { sql: `${name}(5)`, result: 5n }] },
    bind: (call) => {
      const arg = numericArg(call, 0);
      if (isIntegralType(arg.type)) return argAs(call, 0, new Int64());
      return rowFunction(call.outputName, new Int64(), [argAs(call, 0, new Float64())], (x) => {
        const v = up ? Math.ceil(x as number) : Math.floor(x as number);
        if (Number.isNaN(v)) return 0n;
        if (v >= 9223372036854775807) return 9223372036854775807n;
        if (v <= -9223372036854775808) return -9223372036854775808n;
        return BigInt(v);
      });
    },
  };
}

export const floorFunction = floorCeil('floor', false);
export const ceilFunction = floorCeil('ceil', true, ['ceiling']);

function integerOperator(name: string, fn: '%' | 'div' | 'pmod', usage: string, example: { sql: string; result: unknown }, aliases: readonly string[] = []): ScalarFunctionDefinition {
  return {
    name,
    aliases,
    family: 'math',
    arity: [2, 2],
    doc: { usage, description: fn === 'div' ? 'Integral division (truncated), as a bigint; null when dividing by 0.' : fn === 'pmod' ? 'The positive remainder; null when dividing by 0.' : 'The remainder (the sign of the dividend); null when dividing by 0.', examples: [example] },
    bind: (call) => bindArithmetic(fn, call.args[0]!, call.args[1]!, call.outputName, call.scope, call.node),
  };
}

export const pmodFunction = integerOperator('pmod', 'pmod', 'pmod(expr1, expr2)', { sql: 'pmod(-10, 3)', result: 2 });
export const modFunction = integerOperator('mod', '%', 'mod(expr1, expr2) | expr1 % expr2', { sql: 'mod(2, 1.8D)', result: 0.19999999999999996 });
export const divFunction = integerOperator('div', 'div', 'expr1 div expr2', { sql: '3 div 2', result: 1n });

function bitwise(name: string, op: string, expression: (a: bigint, b: bigint) => bigint, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'math',
    arity: [2, 2],
    doc: { usage: `expr1 ${op} expr2`, description: `Bitwise ${name.replace('bitwise_', '').toUpperCase()} of two integers (the wider type).`, examples: [example] },
    bind: (call) => {
      const [a, b] = call.args.map((x, i) => (isNullType(x.type) ? argAs(call, i, new Int32()) : x)) as [BoundExpression, BoundExpression];
      if (!isIntegralType(a.type) || !isIntegralType(b.type)) call.fail(`needs integer arguments, not ${sparkTypeName(a.type)} and ${sparkTypeName(b.type)}`);
      const type = (a.type as unknown as { bitWidth: number }).bitWidth >= (b.type as unknown as { bitWidth: number }).bitWidth ? a.type : b.type;
      const x = argAs(call, 0, type);
      const y = argAs(call, 1, type);
      return rowFunction(call.outputName, type, [x, y], (u, v) => {
        const r = BigInt.asIntN(64, expression(BigInt(u as number | bigint), BigInt(v as number | bigint)));
        return is64Bit(type) ? r : wrapTo(type, Number(BigInt.asIntN(32, r)));
      });
    },
  };
}

export const bitwiseAndFunction = bitwise('bitwise_and', '&', (a, b) => a & b, { sql: '3 & 5', result: 1 });
export const bitwiseOrFunction = bitwise('bitwise_or', '|', (a, b) => a | b, { sql: '3 | 5', result: 7 });
export const bitwiseXorFunction = bitwise('bitwise_xor', '^', (a, b) => a ^ b, { sql: '3 ^ 5', result: 6 });

export const bitwiseNotFunction: ScalarFunctionDefinition = {
  name: 'bitwise_not',
  family: 'math',
  arity: [1, 1],
  doc: { usage: '~ expr', description: 'Bitwise NOT of an integer.', examples: [{ sql: '~ 0', result: -1 }] },
  bind: (call) => {
    const a = call.args[0]!;
    if (!isIntegralType(a.type)) call.fail(`needs an integer, not ${sparkTypeName(a.type)}`);
    return rowFunction(call.outputName, a.type, [a], (v) => (typeof v === 'bigint' ? BigInt.asIntN(64, ~v) : wrapTo(a.type, ~(v as number))));
  },
};

function shift(name: string, kind: 'left' | 'right' | 'unsigned'): ScalarFunctionDefinition {
  return {
    name,
    family: 'math',
    arity: [2, 2],
    doc: { usage: `${name}(base, n)`, description: `Bitwise ${kind === 'left' ? 'left' : kind === 'right' ? 'signed right' : 'unsigned right'} shift.`, examples: [{ sql: `${name}(2, 1)`, result: kind === 'left' ? 4 : 1 }] },
    bind: (call) => {
      const a = isNullType(call.args[0]!.type) ? argAs(call, 0, new Int32()) : call.args[0]!;
      if (!isIntegralType(a.type)) call.fail(`needs an integer, not ${sparkTypeName(a.type)}`, 0);
      const wide = is64Bit(a.type);
      return rowFunction(call.outputName, wide ? new Int64() : a.type, [a, argAs(call, 1, new Float64())], (v, n) => {
        const s = Number(n) & (wide ? 63 : 31);
        if (wide) {
          const x = v as bigint;
          return kind === 'left' ? BigInt.asIntN(64, x << BigInt(s)) : kind === 'right' ? x >> BigInt(s) : BigInt.asIntN(64, BigInt.asUintN(64, x) >> BigInt(s));
        }
        const x = v as number;
        return kind === 'left' ? x << s : kind === 'right' ? x >> s : (x >>> s) | 0;
      });
    },
  };
}

export const shiftLeftFunction = shift('shiftleft', 'left');
export const shiftRightFunction = shift('shiftright', 'right');
export const shiftRightUnsignedFunction = shift('shiftrightunsigned', 'unsigned');

export const binFunction: ScalarFunctionDefinition = {
  name: 'bin',
  family: 'math',
  arity: [1, 1],
  doc: { usage: 'bin(expr)', description: 'The binary digits of a bigint (two\'s complement for negatives).', examples: [{ sql: 'bin(13)', result: '1101' }, { sql: 'bin(-13)', result: '1111111111111111111111111111111111111111111111111111111111110011' }] },
  bind: (call) => rowFunction(call.outputName, new Utf8(), [argAs(call, 0, new Int64())], (v) => BigInt.asUintN(64, v as bigint).toString(2)),
};

/**
 * Spark's `abs(expr)`: The absolute value (integers wrap at their minimum, as in Java).
 *
 * @example
 * withColumn('abs', abs(col('x')))
 * // in SQL: abs(-1) → 1
 */
export function abs(column: ColumnLike): Column { return callColumn('abs', colArg(column)); }
/**
 * Spark's `round(expr[, d])`: `expr` rounded to `d` decimal places (negative: to tens, hundreds …) with HALF_UP rounding; the type is kept.
 *
 * @example
 * withColumn('round', round(col('x')))
 * // in SQL: round(2.5D, 0) → 3
 */
export function round(column: ColumnLike, scale = 0): Column { return callColumn('round', colArg(column), litArg(scale)); }
/**
 * Spark's `bround(expr[, d])`: `expr` rounded to `d` decimal places (negative: to tens, hundreds …) with HALF_EVEN (banker's) rounding; the type is kept.
 *
 * @example
 * withColumn('bround', bround(col('x')))
 * // in SQL: bround(2.5D, 0) → 2
 */
export function bround(column: ColumnLike, scale = 0): Column { return callColumn('bround', colArg(column), litArg(scale)); }
/**
 * Spark's `floor(expr)`: The largest integer not above `expr`, as a bigint.
 *
 * @example
 * withColumn('floor', floor(col('x')))
 * // in SQL: floor(-0.1D) → -1
 */
export function floor(column: ColumnLike): Column { return callColumn('floor', colArg(column)); }
/**
 * Spark's `ceil(expr)`: The smallest integer not below `expr`, as a bigint.
 *
 * @example
 * withColumn('ceil', ceil(col('x')))
 * // in SQL: ceil(-0.1D) → 0
 */
export function ceil(column: ColumnLike): Column { return callColumn('ceil', colArg(column)); }
/**
 * Spark's `pow(expr1, expr2)`: `expr1` to the power `expr2`, as a double.
 *
 * @example
 * withColumn('squared', pow(col('x'), 2))
 * // in SQL: pow(2, 3) → 8
 */
export function pow(base: ColumnLike | number, exponent: ColumnLike | number): Column {
  return callColumn('pow', typeof base === 'number' ? litArg(base) : colArg(base), typeof exponent === 'number' ? litArg(exponent) : colArg(exponent));
}
/**
 * Spark's `sqrt(expr)`: Square root (NaN for a negative number).
 *
 * @example
 * withColumn('sqrt', sqrt(col('x')))
 * // in SQL: sqrt(4) → 2
 */
export function sqrt(column: ColumnLike): Column { return callColumn('sqrt', colArg(column)); }
/**
 * Spark's `exp(expr)`: e to the power `expr`.
 *
 * @example
 * withColumn('exp', exp(col('x')))
 * // in SQL: exp(0) → 1
 */
export function exp(column: ColumnLike): Column { return callColumn('exp', colArg(column)); }
/**
 * Natural logarithm, or `log(base, column)`.
 *
 * @example
 * withColumn('ln', log(col('x')))
 * // in SQL: log(10, 100) → 2
 */
export function log(baseOrColumn: number | ColumnLike, column?: ColumnLike): Column {
  return column === undefined ? callColumn('log', colArg(baseOrColumn as ColumnLike)) : callColumn('log', litArg(baseOrColumn), colArg(column));
}
/**
 * Spark's `signum(expr)`: The sign: −1.0, 0.0 or 1.0 (NaN for NaN).
 *
 * @example
 * withColumn('signum', signum(col('x')))
 * // in SQL: signum(40) → 1
 */
export function signum(column: ColumnLike): Column { return callColumn('signum', colArg(column)); }
/**
 * Spark's `pmod(expr1, expr2)`: The positive remainder; null when dividing by 0.
 *
 * @example
 * withColumn('bucket', pmod(col('id'), 16))
 * // in SQL: pmod(-10, 3) → 2
 */
export function pmod(dividend: ColumnLike, divisor: ColumnLike | number): Column {
  return callColumn('pmod', colArg(dividend), typeof divisor === 'number' ? litArg(divisor) : colArg(divisor));
}
