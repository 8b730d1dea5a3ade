import { Int32, Utf8 } from 'apache-arrow';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { numericVector } from '../../expressions/kernels/numbers.ts';
import { Utf8Builder, Utf8Column } from '../../expressions/kernels/utf8.ts';
import { isBinaryType, isStringType, STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { callColumn, colArg } from '../build.ts';
import { argAs } from '../arguments.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { utf8Map } from '../rowFunction.ts';

/** lower/upper: ASCII columns change case byte by byte; others through Java-like case mapping. */
function caseMapping(name: string, up: boolean, aliases: readonly string[]): ScalarFunctionDefinition {
  return {
    name,
    aliases,
    family: 'string',
    arity: [1, 1],
    doc: {
      usage: `${name}(str)`,
      description: `\`str\` with every character in ${up ? 'upper' : 'lower'} case.`,
      examples: [{ sql: `${name}('SparkSql')`, result: up ? 'SPARKSQL' : 'sparksql' }],
    },
    bind: (call) => {
      const arg = argAs(call, 0, STRING());
      const slow = utf8Map(call.outputName, new Utf8(), arg, up ? (s) => s.toUpperCase() : (s) => s.toLowerCase());
      return {
        name: call.outputName,
        type: new Utf8(),
        evaluate: (batch, context) => {
          const vector = arg.evaluate(batch, context);
          const data = vector.data[0]!;
          const column = new Utf8Column(data);
          if (!column.ascii) return slow.evaluate(batch, context);
          const builder = new Utf8Builder(data.length, column.bytes.length + 16);
          const validity = validityOf(data);
          const out = new Uint8Array(256);
          for (let i = 0; i < data.length; i++) {
            if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) {
              builder.appendNull();
              continue;
            }
            const start = column.offsets[i]!;
            const end = column.offsets[i + 1]!;
            const buf = end - start <= out.length ? out : new Uint8Array(end - start);
            for (let k = start; k < end; k++) {
              const b = column.bytes[k]!;
              buf[k - start] = up ? (b >= 97 && b <= 122 ? b - 32 : b) : b >= 65 && b <= 90 ? b + 32 : b;
            }
            builder.appendBytes(buf, 0, end - start);
          }
          return builder.finish();
        },
      };
    },
  };
}

export const lowerFunction = caseMapping('lower', false, ['lcase']);
export const upperFunction = caseMapping('upper', true, ['ucase']);

export const initcapFunction: ScalarFunctionDefinition = {
  name: 'initcap',
  family: 'string',
  arity: [1, 1],
  doc: {
    usage: 'initcap(str)',
    description: 'Each space-separated word with its first letter upper case and the rest lower case.',
    examples: [{ sql: "initcap('sPark sql')", result: 'Spark Sql' }],
  },
  bind: (call) =>
    utf8Map(call.outputName, new Utf8(), argAs(call, 0, STRING()), (s) =>
      s.toLowerCase().split(' ').map((w) => (w === '' ? w : String.fromCodePoint(w.codePointAt(0)!).toUpperCase() + w.slice(String.fromCodePoint(w.codePointAt(0)!).length))).join(' '),
    ),
};

/** Characters (code points) of a string, bytes of a binary value. */
function lengthBind(call: CallContext, unit: 'chars' | 'bytes' | 'bits') {
  const raw = call.args[0]!;
  const arg = isBinaryType(raw.type) || isStringType(raw.type) ? raw : argAs(call, 0, STRING());
  const binary = isBinaryType(arg.type);
  return {
    name: call.outputName,
    type: new Int32(),
    evaluate: (batch: import('apache-arrow').RecordBatch, context: import('../../builders/plan.ts').OperatorContext) => {
      const data = arg.evaluate(batch, context).data[0]!;
      const column = new Utf8Column(data);
      const n = data.length;
      const out = new Int32Array(n);
      const countBytes = unit !== 'chars' || binary || column.ascii;
      for (let i = 0; i < n; i++) {
        const start = column.offsets[i]!;
        const end = column.offsets[i + 1]!;
        if (countBytes) out[i] = (end - start) * (unit === 'bits' ? 8 : 1);
        else {
          // A code point starts at every byte that is not a UTF-8 continuation byte.
          let chars = 0;
          for (let k = start; k < end; k++) if ((column.bytes[k]! & 0xc0) !== 0x80) chars++;
          out[i] = chars;
        }
      }
      return numericVector(new Int32(), out, validityOf(data));
    },
  };
}

export const lengthFunction: ScalarFunctionDefinition = {
  name: 'length',
  aliases: ['char_length', 'character_length', 'len'],
  family: 'string',
  arity: [1, 1],
  doc: {
    usage: 'length(expr)',
    description: 'Characters in a string (trailing spaces count), bytes in a binary value.',
    examples: [{ sql: "length('Spark SQL ')", result: 10 }, { sql: "length(X'0102')", result: 2 }],
  },
  bind: (call) => lengthBind(call, 'chars'),
};

export const octetLengthFunction: ScalarFunctionDefinition = {
  name: 'octet_length',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'octet_length(expr)', description: 'Bytes of a string (UTF-8) or binary value.', examples: [{ sql: "octet_length('é')", result: 2 }] },
  bind: (call) => lengthBind(call, 'bytes'),
};

export const bitLengthFunction: ScalarFunctionDefinition = {
  name: 'bit_length',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'bit_length(expr)', description: 'Bits of a string (UTF-8) or binary value.', examples: [{ sql: "bit_length('Spark')", result: 40 }] },
  bind: (call) => lengthBind(call, 'bits'),
};

/**
 * Column builders (PySpark's `initcap(col)` …).
 *
 * @example
 * withColumn('initcap', initcap(col('text')))
 * // in SQL: initcap('sPark sql') → 'Spark Sql'
 */
export function initcap(column: ColumnLike): Column {
  return callColumn('initcap', colArg(column));
}
/**
 * Spark's `octet_length(expr)`: Bytes of a string (UTF-8) or binary value.
 *
 * @example
 * withColumn('octetLength', octetLength(col('text')))
 * // in SQL: octet_length('é') → 2
 */
export function octetLength(column: ColumnLike): Column {
  return callColumn('octet_length', colArg(column));
}
/**
 * Spark's `bit_length(expr)`: Bits of a string (UTF-8) or binary value.
 *
 * @example
 * withColumn('bitLength', bitLength(col('text')))
 * // in SQL: bit_length('Spark') → 40
 */
export function bitLength(column: ColumnLike): Column {
  return callColumn('bit_length', colArg(column));
}
