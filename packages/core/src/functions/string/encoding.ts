import { Buffer } from 'node:buffer';
import { Binary, Int32, Int64, Utf8 } from 'apache-arrow';
import { isBinaryType, isIntegralType, isStringType, STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg } from '../build.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';

const encoder = new TextEncoder();
const bytesOf = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : encoder.encode(String(v)));

export const base64Function: ScalarFunctionDefinition = {
  name: 'base64',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'base64(bin)', description: 'Binary (or a string as UTF-8) as base64 text, without line breaks.', examples: [{ sql: "base64('Spark SQL')", result: 'U3BhcmsgU1FM' }] },
  bind: (call) => {
    const arg = isBinaryType(call.args[0]!.type) ? call.args[0]! : argAs(call, 0, new Binary());
    return rowFunction(call.outputName, new Utf8(), [arg], (v) => Buffer.from(bytesOf(v)).toString('base64'));
  },
};

export const unbase64Function: ScalarFunctionDefinition = {
  name: 'unbase64',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'unbase64(str)', description: 'The binary value of base64 text.', examples: [{ sql: "cast(unbase64('U3BhcmsgU1FM') as string)", result: 'Spark SQL' }] },
  bind: (call) => rowFunction(call.outputName, new Binary(), [argAs(call, 0, STRING())], (s) => new Uint8Array(Buffer.from(s as string, 'base64'))),
};

export const hexFunction: ScalarFunctionDefinition = {
  name: 'hex',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'hex(expr)', description: 'Upper-case hexadecimal of an integer (two\'s complement), or of the bytes of a string or binary value.', examples: [{ sql: 'hex(17)', result: '11' }, { sql: "hex('Spark SQL')", result: '537061726B2053514C' }] },
  bind: (call) => {
    const arg = call.args[0]!;
    if (isIntegralType(arg.type)) return rowFunction(call.outputName, new Utf8(), [argAs(call, 0, new Int64())], (v) => BigInt.asUintN(64, BigInt(v as number | bigint)).toString(16).toUpperCase());
    const input = isStringType(arg.type) || isBinaryType(arg.type) ? arg : argAs(call, 0, STRING());
    return rowFunction(call.outputName, new Utf8(), [input], (v) => Buffer.from(bytesOf(v)).toString('hex').toUpperCase());
  },
};

export const unhexFunction: ScalarFunctionDefinition = {
  name: 'unhex',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'unhex(str)', description: 'The bytes written in hexadecimal (an odd count gets a leading 0); null when not hexadecimal.', examples: [{ sql: "cast(unhex('537061726B2053514C') as string)", result: 'Spark SQL' }] },
  bind: (call) =>
    rowFunction(call.outputName, new Binary(), [argAs(call, 0, STRING())], (s) => {
      let text = s as string;
      if (!/^[0-9a-fA-F]*$/.test(text)) return null;
      if (text.length % 2) text = `0${text}`;
      return new Uint8Array(Buffer.from(text, 'hex'));
    }),
};

export const asciiFunction: ScalarFunctionDefinition = {
  name: 'ascii',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'ascii(str)', description: 'The code point of the first character (0 for an empty string).', examples: [{ sql: "ascii('222')", result: 50 }] },
  bind: (call) => rowFunction(call.outputName, new Int32(), [argAs(call, 0, STRING())], (s) => (s as string).codePointAt(0) ?? 0),
};

export const chrFunction: ScalarFunctionDefinition = {
  name: 'chr',
  aliases: ['char'],
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'chr(n)', description: 'The character of code `n` mod 256; empty for a negative `n`.', examples: [{ sql: 'chr(65)', result: 'A' }] },
  bind: (call) => rowFunction(call.outputName, new Utf8(), [argAs(call, 0, new Int64())], (n) => {
    const v = Number(n as bigint);
    return v < 0 ? '' : String.fromCharCode(v % 256);
  }),
};

/**
 * Spark's `base64(bin)`: Binary (or a string as UTF-8) as base64 text, without line breaks.
 *
 * @example
 * withColumn('base64', base64(col('text')))
 * // in SQL: base64('Spark SQL') → 'U3BhcmsgU1FM'
 */
export function base64(column: ColumnLike): Column {
  return callColumn('base64', colArg(column));
}
/**
 * Spark's `unbase64(str)`: The binary value of base64 text.
 *
 * @example
 * withColumn('unbase64', unbase64(col('text')))
 * // in SQL: cast(unbase64('U3BhcmsgU1FM') as string) → 'Spark SQL'
 */
export function unbase64(column: ColumnLike): Column {
  return callColumn('unbase64', colArg(column));
}
/**
 * Spark's `hex(expr)`: Upper-case hexadecimal of an integer (two's complement), or of the bytes of a string or binary value.
 *
 * @example
 * withColumn('hex', hex(col('text')))
 * // in SQL: hex(17) → '11'
 */
export function hex(column: ColumnLike): Column {
  return callColumn('hex', colArg(column));
}
/**
 * Spark's `unhex(str)`: The bytes written in hexadecimal (an odd count gets a leading 0); null when not hexadecimal.
 *
 * @example
 * withColumn('unhex', unhex(col('text')))
 * // in SQL: cast(unhex('537061726B2053514C') as string) → 'Spark SQL'
 */
export function unhex(column: ColumnLike): Column {
  return callColumn('unhex', colArg(column));
}
