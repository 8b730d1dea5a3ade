import { Binary, List, Field, Utf8, type RecordBatch, type Vector } from 'apache-arrow';
import type { OperatorContext } from '../../builders/plan.ts';
import type { BoundExpression } from '../../expressions/bound.ts';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { encodeUtf8, Utf8Builder, Utf8Column } from '../../expressions/kernels/utf8.ts';
import { elementType, isArrayType, isBinaryType, isNullType, isStringType, STRING, commonTypeOf } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';

/** One argument's bytes per row: a column read in place, or a constant's bytes. */
interface Piece {
  readonly constant: Uint8Array | null;
  readonly isNullConstant: boolean;
  readonly column: Utf8Column | null;
  readonly validity: Uint8Array | null;
}

function pieceOf(arg: BoundExpression, batch: RecordBatch, context: OperatorContext): Piece {
  if (arg.constant) {
    const v = arg.constant.value;
    return { constant: v === null ? null : v instanceof Uint8Array ? v : encodeUtf8(v as string), isNullConstant: v === null, column: null, validity: null };
  }
  const data = arg.evaluate(batch, context).data[0]!;
  return { constant: null, isNullConstant: false, column: new Utf8Column(data), validity: validityOf(data) };
}

const isNullAt = (p: Piece, i: number): boolean => p.isNullConstant || (p.validity !== null && !(p.validity[i >> 3]! & (1 << (i & 7))));

export const concatFunction: ScalarFunctionDefinition = {
  name: 'concat',
  family: 'string',
  arity: [0, Infinity],
  doc: {
    usage: 'concat(expr, ...)',
    description: 'Strings (or binary values, or arrays) joined end to end; null if any argument is null. Other types are cast to string.',
    examples: [{ sql: "concat('Spark', 'SQL')", result: 'SparkSQL' }, { sql: "concat('a', null)", result: null }, { sql: 'concat(array(1, 2), array(3))', result: [1, 2, 3] }],
  },
  bind: (call) => {
    const types = call.args.map((a) => a.type);
    if (types.length > 0 && types.every((t) => isArrayType(t) || isNullType(t)) && types.some(isArrayType)) {
      const type = commonTypeOf(types);
      if (!type) call.fail(`arrays of different element types: ${types.map(String).join(', ')}`);
      const args = call.args.map((_, i) => argAs(call, i, type!));
      return rowFunction(call.outputName, type!, args, (...values) => (values.slice(0, args.length) as unknown[][]).flat());
    }
    const binary = types.length > 0 && types.every((t) => isBinaryType(t) || isNullType(t));
    const args = binary ? call.args : call.args.map((_, i) => (isStringType(types[i]!) ? call.args[i]! : argAs(call, i, STRING())));
    return {
      name: call.outputName,
      type: binary ? new Binary() : new Utf8(),
      evaluate: (batch, context) => {
        const n = batch.numRows;
        const pieces = args.map((a) => pieceOf(a, batch, context));
        const builder = new Utf8Builder(n, pieces.reduce((s, p) => s + (p.column ? p.column.bytes.length : (p.constant?.length ?? 0) * n), 16));
        const scratch = { bytes: new Uint8Array(64) };
        for (let i = 0; i < n; i++) {
          if (pieces.some((p) => isNullAt(p, i))) {
            builder.appendNull();
            continue;
          }
          builder.appendBytes(...joinRow(pieces, i, null, scratch));
        }
        return builder.finish(binary);
      },
    };
  },
};

/** Row i's pieces (skipping nulls) joined by `separator`, in a reused scratch buffer. */
function joinRow(pieces: readonly Piece[], i: number, separator: Uint8Array | null, scratch: { bytes: Uint8Array }): [Uint8Array, number, number] {
  let total = 0;
  let first = true;
  for (const p of pieces) {
    if (isNullAt(p, i)) continue;
    if (!first && separator) total += separator.length;
    total += p.column ? p.column.byteLength(i) : p.constant!.length;
    first = false;
  }
  if (scratch.bytes.length < total) scratch.bytes = new Uint8Array(total * 2);
  const out = scratch.bytes;
  let at = 0;
  first = true;
  for (const p of pieces) {
    if (isNullAt(p, i)) continue;
    if (!first && separator) {
      out.set(separator, at);
      at += separator.length;
    }
    if (p.column) {
      const s = p.column.offsets[i]!;
      const e = p.column.offsets[i + 1]!;
      for (let k = s; k < e; k++) out[at++] = p.column.bytes[k]!;
    } else {
      out.set(p.constant!, at);
      at += p.constant!.length;
    }
    first = false;
  }
  return [out, 0, at];
}

export const concatWsFunction: ScalarFunctionDefinition = {
  name: 'concat_ws',
  family: 'string',
  arity: [1, Infinity],
  doc: {
    usage: 'concat_ws(sep, [str | array(str)], ...)',
    description: 'The strings (and the elements of string arrays) joined by `sep`, skipping nulls; null only when `sep` is null.',
    examples: [{ sql: "concat_ws(' ', 'Spark', 'SQL')", result: 'Spark SQL' }, { sql: "concat_ws('s')", result: '' }, { sql: "concat_ws('/', 'a', null, 'b')", result: 'a/b' }],
  },
  bind: (call) => bindConcatWs(call),
};

function bindConcatWs(call: CallContext) {
  const separator = argAs(call, 0, STRING());
  const hasArrays = call.args.slice(1).some((a) => isArrayType(a.type));
  if (hasArrays) {
    const args = call.args.slice(1).map((a, k) =>
      isArrayType(a.type) ? (isStringType(elementType(a.type)) ? a : argAs(call, k + 1, new List(new Field('element', new Utf8(), true)))) : argAs(call, k + 1, STRING()),
    );
    return wrapNullSeparator(call, separator, args);
  }
  const args = call.args.slice(1).map((_, k) => argAs(call, k + 1, STRING()));
  return {
    name: call.outputName,
    type: new Utf8(),
    evaluate: (batch: RecordBatch, context: OperatorContext): Vector => {
      const n = batch.numRows;
      const sep = pieceOf(separator, batch, context);
      const pieces = args.map((a) => pieceOf(a, batch, context));
      const builder = new Utf8Builder(n);
      const scratch = { bytes: new Uint8Array(64) };
      for (let i = 0; i < n; i++) {
        if (isNullAt(sep, i)) {
          builder.appendNull();
          continue;
        }
        const sepBytes = sep.column ? sep.column.bytesOf(i) : sep.constant!;
        builder.appendBytes(...joinRow(pieces, i, sepBytes, scratch));
      }
      return builder.finish();
    },
  };
}

function wrapNullSeparator(call: CallContext, separator: BoundExpression, args: readonly BoundExpression[]) {
  return rowFunction(call.outputName, new Utf8(), [separator, ...args], (sep, ...rest) => {
    if (sep === null) return null;
    const parts: string[] = [];
    for (const v of rest.slice(0, args.length)) {
      if (v === null) continue;
      if (Array.isArray(v)) for (const e of v) { if (e !== null) parts.push(e as string); }
      else parts.push(v as string);
    }
    return parts.join(sep as string);
  }, { nullSafe: true });
}

/**
 * `concat_ws(sep, ...cols)`.
 *
 * @example
 * withColumn('fullName', concatWs(' ', col('first'), col('last')))
 * // in SQL: concat_ws(' ', 'Spark', 'SQL') → 'Spark SQL'
 */
export function concatWs(separator: string, ...columns: readonly ColumnLike[]): Column {
  return callColumn('concat_ws', litArg(separator), ...columns.map(colArg));
}
