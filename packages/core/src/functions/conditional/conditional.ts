import { Bool, Float64 } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { materialize, type BoundExpression } from '../../expressions/bound.ts';
import { caseExpression } from '../../expressions/caseWhen.ts';
import { bindComparison } from '../../expressions/comparison.ts';
import { bindNot } from '../../expressions/logical.ts';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { chooseRows } from '../../expressions/kernels/choose.ts';
import { numbersOf } from '../../expressions/kernels/numbers.ts';
import { coerce } from '../../expressions/operators.ts';
import { compareValues } from '../../expressions/ordering.ts';
import { commonTypeOf, comparisonType, isBooleanType, isFloatingType, isMapType, isNullType } from '../../expressions/types.ts';
import { Column, type ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { boolVector } from '../../expressions/bound.ts';

/** All arguments cast to their common type, or a type error naming them. */
function unified(call: CallContext, args: readonly BoundExpression[] = call.args): BoundExpression[] {
  const type = commonTypeOf(args.map((a) => a.type));
  if (!type) call.fail(`the arguments have no common type: ${args.map((a) => sparkTypeName(a.type)).join(', ')}`);
  return args.map((a, i) => coerce(a, type!, call.scope, call.node.args[i]?.span));
}

/** The first non-null of `args` per row (lazily: an argument is evaluated only while rows are still null). */
function firstNonNull(name: string, args: readonly BoundExpression[]): BoundExpression {
  const type = args[0]!.type;
  const live = args.filter((a) => a.constant?.value !== null);
  const firstConstant = live.findIndex((a) => a.constant);
  const used = firstConstant >= 0 ? live.slice(0, firstConstant + 1) : live;
  if (used.length === 0) return { name, type, constant: { value: null }, evaluate: (batch) => materialize(type, null, batch.numRows) };
  if (used.length === 1 && used[0]!.constant) return { ...used[0]!, name };
  return {
    name,
    type,
    evaluate: (batch, context) => {
      const n = batch.numRows;
      const choice = new Int16Array(n).fill(-1);
      const sources = [];
      let open = n;
      for (let k = 0; k < used.length && open > 0; k++) {
        const arg = used[k]!;
        const vector = arg.constant ? materialize(type, arg.constant.value, n) : arg.evaluate(batch, context);
        sources.push(vector);
        const validity = validityOf(vector.data[0]!);
        for (let i = 0; i < n; i++) {
          if (choice[i] === -1 && (validity === null || (validity[i >> 3]! & (1 << (i & 7))) !== 0)) {
            choice[i] = k;
            open--;
          }
        }
      }
      return chooseRows(type, sources, choice);
    },
  };
}

export const coalesceFunction: ScalarFunctionDefinition = {
  name: 'coalesce',
  family: 'conditional',
  arity: [1, Infinity],
  doc: { usage: 'coalesce(expr1, expr2, ...)', description: 'The first argument that is not null, or null.', examples: [{ sql: 'coalesce(NULL, 1, NULL)', result: 1 }] },
  bind: (call) => firstNonNull(call.outputName, unified(call)),
};

export const nvlFunction: ScalarFunctionDefinition = {
  name: 'nvl',
  aliases: ['ifnull'],
  family: 'conditional',
  arity: [2, 2],
  doc: { usage: 'nvl(expr1, expr2)', description: '`expr2` when `expr1` is null, else `expr1`.', examples: [{ sql: "nvl(NULL, array('2'))", result: ['2'] }] },
  bind: (call) => firstNonNull(call.outputName, unified(call)),
};

export const ifFunction: ScalarFunctionDefinition = {
  name: 'if',
  aliases: ['iff'],
  family: 'conditional',
  arity: [3, 3],
  doc: { usage: 'if(cond, expr1, expr2)', description: '`expr1` when `cond` is true, else `expr2` (also when `cond` is null).', examples: [{ sql: 'if(1 < 2, \'a\', \'b\')', result: 'a' }, { sql: "if(NULL, 'a', 'b')", result: 'b' }] },
  bind: (call) => {
    const condition = call.args[0]!;
    if (!isBooleanType(condition.type) && !isNullType(condition.type)) call.fail(`the condition must be boolean, but ${condition.name} is ${sparkTypeName(condition.type)}`, 0);
    return caseExpression(call.outputName, [condition], [call.args[1]!, call.args[2]!], true, call.scope, call.node);
  },
};

export const nvl2Function: ScalarFunctionDefinition = {
  name: 'nvl2',
  family: 'conditional',
  arity: [3, 3],
  doc: { usage: 'nvl2(expr1, expr2, expr3)', description: '`expr2` when `expr1` is not null, else `expr3`.', examples: [{ sql: 'nvl2(NULL, 2, 1)', result: 1 }] },
  bind: (call) => {
    const isNotNull = rowFunction(`isnotnull(${call.args[0]!.name})`, new Bool(), [call.args[0]!], (v) => v !== null, { nullSafe: true });
    return caseExpression(call.outputName, [isNotNull], [call.args[1]!, call.args[2]!], true, call.scope, call.node);
  },
};

export const nullifFunction: ScalarFunctionDefinition = {
  name: 'nullif',
  family: 'conditional',
  arity: [2, 2],
  doc: { usage: 'nullif(expr1, expr2)', description: 'Null when `expr1` equals `expr2`, else `expr1`.', examples: [{ sql: 'nullif(2, 2)', result: null }, { sql: 'nullif(2, 3)', result: 2 }] },
  bind: (call) => {
    const [a, b] = call.args as [BoundExpression, BoundExpression];
    const type = comparisonType(a.type, b.type);
    if (!type) call.fail(`cannot compare ${sparkTypeName(a.type)} with ${sparkTypeName(b.type)}`);
    const equal = bindComparison('=', coerce(a, type!, call.scope, undefined), coerce(b, type!, call.scope, undefined), `(${a.name} = ${b.name})`);
    const nullOfA: BoundExpression = { name: 'NULL', type: a.type, constant: { value: null }, evaluate: (batch) => materialize(a.type, null, batch.numRows) };
    return caseExpression(call.outputName, [equal], [nullOfA, a], true, call.scope, call.node);
  },
};

function extreme(name: string, greatest: boolean): ScalarFunctionDefinition {
  return {
    name,
    family: 'conditional',
    arity: [2, Infinity],
    doc: {
      usage: `${name}(expr, ...)`,
      description: `The ${greatest ? 'greatest' : 'least'} non-null argument (NaN is greater than any number); null when all are null.`,
      examples: [{ sql: `${name}(10, 9, 2, 4, 3)`, result: greatest ? 10 : 2 }, { sql: `${name}(NULL, 1)`, result: 1 }],
    },
    bind: (call) => {
      const args = unified(call);
      if (isMapType(args[0]!.type)) call.fail('maps cannot be ordered');
      return rowFunction(call.outputName, args[0]!.type, args, (...values) => {
        let best: unknown = null;
        for (const v of values.slice(0, args.length)) {
          if (v === null) continue;
          if (best === null || (greatest ? compareValues(v, best) > 0 : compareValues(v, best) < 0)) best = v;
        }
        return best;
      }, { nullSafe: true });
    },
  };
}

export const greatestFunction = extreme('greatest', true);
export const leastFunction = extreme('least', false);

export const isnullFunction: ScalarFunctionDefinition = {
  name: 'isnull',
  family: 'conditional',
  arity: [1, 1],
  doc: { usage: 'isnull(expr)', description: 'True when `expr` is null.', examples: [{ sql: 'isnull(1)', result: false }] },
  bind: (call) => bindIsNullLike(call, false),
};

export const isnotnullFunction: ScalarFunctionDefinition = {
  name: 'isnotnull',
  family: 'conditional',
  arity: [1, 1],
  doc: { usage: 'isnotnull(expr)', description: 'True when `expr` is not null.', examples: [{ sql: 'isnotnull(1)', result: true }] },
  bind: (call) => bindIsNullLike(call, true),
};

function bindIsNullLike(call: CallContext, negate: boolean): BoundExpression {
  const arg = call.args[0]!;
  const isNull = rowFunction(call.outputName, new Bool(), [arg], (v) => v === null, { nullSafe: true });
  return negate ? { ...bindNot(isNull, call.outputName), name: call.outputName } : isNull;
}

export const isnanFunction: ScalarFunctionDefinition = {
  name: 'isnan',
  family: 'conditional',
  arity: [1, 1],
  doc: { usage: 'isnan(expr)', description: 'True when `expr` is NaN; false for null.', examples: [{ sql: "isnan(cast('NaN' as double))", result: true }, { sql: 'isnan(NULL)', result: false }] },
  bind: (call) => {
    const arg = argAs(call, 0, new Float64());
    return {
      name: call.outputName,
      type: new Bool(),
      evaluate: (batch, context) => {
        const n = batch.numRows;
        const bits = new Uint8Array((n + 7) >> 3);
        if (arg.constant) {
          if (Number.isNaN(arg.constant.value)) bits.fill(0xff);
        } else {
          const data = arg.evaluate(batch, context).data[0]!;
          const values = numbersOf(data).values;
          const validity = validityOf(data);
          for (let i = 0; i < n; i++) if (values[i] !== values[i] && (validity === null || validity[i >> 3]! & (1 << (i & 7)))) bits[i >> 3]! |= 1 << (i & 7);
        }
        if (n & 7) bits[n >> 3]! &= (1 << (n & 7)) - 1;
        return boolVector(bits, null, n);
      },
    };
  },
};

export const nanvlFunction: ScalarFunctionDefinition = {
  name: 'nanvl',
  family: 'conditional',
  arity: [2, 2],
  doc: { usage: 'nanvl(expr1, expr2)', description: '`expr1` unless it is NaN, then `expr2`.', examples: [{ sql: "nanvl(cast('NaN' as double), 123)", result: 123 }] },
  bind: (call) => {
    const a = argAs(call, 0, new Float64());
    const b = argAs(call, 1, new Float64());
    if (!isFloatingType(a.type)) call.fail('needs floating-point arguments', 0);
    return rowFunction(call.outputName, new Float64(), [a, b], (x, y) => (x === null ? null : Number.isNaN(x) ? y : x), { nullSafe: true });
  },
};

/**
 * `when(condition, value)`: the start of a CASE chain, continued with `.when(…)` and `.otherwise(…)`
 * (rows matching no branch and no `otherwise` get null).
 *
 * @example
 * withColumn('size', when(col('n').gt(100), 'large').when(col('n').gt(10), 'medium').otherwise('small'))
 */
export function when(condition: Column, value: unknown): Column {
  return new Column({ op: 'case', branches: [{ when: condition.node, then: litArg(value) }] });
}
/**
 * Spark's `if(cond, expr1, expr2)`: `expr1` when `cond` is true, else `expr2` (also when `cond` is null).
 *
 * @example
 * withColumn('size', ifThen(col('n').gt(100), 'large', 'small'))
 * // in SQL: if(1 < 2, 'a', 'b') → 'a'
 */
export function ifThen(condition: Column, then: unknown, otherwise: unknown): Column {
  return callColumn('if', condition.node, litArg(then), litArg(otherwise));
}
/**
 * Spark's `nullif(expr1, expr2)`: Null when `expr1` equals `expr2`, else `expr1`.
 *
 * @example
 * withColumn('nullif', nullif(col('value'), 2))
 * // in SQL: nullif(2, 2) → NULL
 */
export function nullif(a: ColumnLike, b: unknown): Column {
  return callColumn('nullif', colArg(a), litArg(b));
}
/**
 * Spark's `nvl(expr1, expr2)`: `expr2` when `expr1` is null, else `expr1`.
 *
 * @example
 * withColumn('country', nvl(col('country'), 'unknown'))
 * // in SQL: nvl(NULL, array('2')) → ['2']
 */
export function nvl(a: ColumnLike, b: unknown): Column {
  return callColumn('nvl', colArg(a), litArg(b));
}
/**
 * Spark's `nvl2(expr1, expr2, expr3)`: `expr2` when `expr1` is not null, else `expr3`.
 *
 * @example
 * withColumn('state', nvl2(col('shippedAt'), 'shipped', 'pending'))
 * // in SQL: nvl2(NULL, 2, 1) → 1
 */
export function nvl2(a: ColumnLike, b: unknown, c: unknown): Column {
  return callColumn('nvl2', colArg(a), litArg(b), litArg(c));
}
/**
 * Spark's `greatest(expr, ...)`: The greatest non-null argument (NaN is greater than any number); null when all are null.
 *
 * @example
 * withColumn('highest', greatest(col('a'), col('b'), col('c')))
 * // in SQL: greatest(10, 9, 2, 4, 3) → 10
 */
export function greatest(...columns: readonly ColumnLike[]): Column {
  return callColumn('greatest', ...columns.map(colArg));
}
/**
 * Spark's `least(expr, ...)`: The least non-null argument (NaN is greater than any number); null when all are null.
 *
 * @example
 * withColumn('lowest', least(col('a'), col('b'), col('c')))
 * // in SQL: least(10, 9, 2, 4, 3) → 2
 */
export function least(...columns: readonly ColumnLike[]): Column {
  return callColumn('least', ...columns.map(colArg));
}
/**
 * Spark's `isnull(expr)`: True when `expr` is null.
 *
 * @example
 * withColumn('isnull', isnull(col('value')))
 * // in SQL: isnull(1) → false
 */
export function isnull(column: ColumnLike): Column {
  return callColumn('isnull', colArg(column));
}
/**
 * Spark's `isnan(expr)`: True when `expr` is NaN; false for null.
 *
 * @example
 * withColumn('isnan', isnan(col('value')))
 * // in SQL: isnan(cast('NaN' as double)) → true
 */
export function isnan(column: ColumnLike): Column {
  return callColumn('isnan', colArg(column));
}
/**
 * Spark's `nanvl(expr1, expr2)`: `expr1` unless it is NaN, then `expr2`.
 *
 * @example
 * withColumn('nanvl', nanvl(col('a'), col('b')))
 * // in SQL: nanvl(cast('NaN' as double), 123) → 123
 */
export function nanvl(a: ColumnLike, b: ColumnLike): Column {
  return callColumn('nanvl', colArg(a), colArg(b));
}
