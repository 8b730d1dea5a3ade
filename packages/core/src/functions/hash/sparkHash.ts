import { Binary, Int32, Int64, Type, Utf8, type DataType, type Struct } from 'apache-arrow';
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { decimalSpecOf } from '../../decimal/decimalType.ts';
import type { BoundExpression } from '../../expressions/bound.ts';
import { elementType, isBinaryType, mapTypes } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { murmur3Bytes, murmur3Int, murmur3Long } from './murmur3.ts';
import { xxhash64Bytes, xxhash64Int, xxhash64Long } from './xxhash64.ts';

const encoder = new TextEncoder();
const view = new DataView(new ArrayBuffer(8));

interface Hasher<H> {
  int(value: number, seed: H): H;
  long(value: bigint, seed: H): H;
  bytes(value: Uint8Array, seed: H): H;
}

const MURMUR3: Hasher<number> = { int: murmur3Int, long: murmur3Long, bytes: murmur3Bytes };
const XXHASH64: Hasher<bigint> = { int: xxhash64Int, long: xxhash64Long, bytes: xxhash64Bytes };

/** Java's two's-complement big-endian bytes of a BigInteger (minimal length). */
function bigIntegerBytes(value: bigint): Uint8Array {
  // Magnitude bits plus a sign bit, in whole bytes (BigInteger.toByteArray).
  const bits = (value < 0n ? -value - 1n : value).toString(2).length + 1;
  const length = Math.ceil(bits / 8);
  const hex = BigInt.asUintN(length * 8, value).toString(16).padStart(length * 2, '0');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * How Spark hashes one value of `type` into the running hash (`HashExpression`): booleans,
 * bytes, shorts, ints and dates as an int; longs as a long; timestamps as their microseconds;
 * floats and doubles by their bits (-0.0 as 0); strings and binary by their bytes; decimals
 * by their unscaled long (precision ≤ 18) or BigInteger bytes; arrays, maps and structs field by
 * field; a null leaves the hash as it was.
 */
function valueHasher<H>(type: DataType, h: Hasher<H>): (value: unknown, seed: H) => H {
  switch (type.typeId) {
    case Type.Null:
      return (_, seed) => seed;
    case Type.Bool:
      return (v, seed) => h.int(v ? 1 : 0, seed);
    case Type.Int:
      return (type as unknown as { bitWidth: number }).bitWidth === 64 ? (v, seed) => h.long(v as bigint, seed) : (v, seed) => h.int(v as number, seed);
    case Type.Date:
      return (v, seed) => h.int(v as number, seed);
    case Type.Timestamp:
      // Spark timestamps are microseconds.
      return (v, seed) => h.long(BigInt(v as number) * 1000n, seed);
    case Type.Float:
      if ((type as unknown as { precision: number }).precision === 1) {
        return (v, seed) => {
          const f = v as number;
          if (f === 0) return h.int(0, seed);
          view.setFloat32(0, Number.isNaN(f) ? NaN : f);
          return h.int(Number.isNaN(f) ? 0x7fc00000 : view.getInt32(0), seed);
        };
      }
      return (v, seed) => {
        const d = v as number;
        if (d === 0) return h.long(0n, seed);
        if (Number.isNaN(d)) return h.long(0x7ff8000000000000n, seed);
        view.setFloat64(0, d);
        return h.long(view.getBigInt64(0), seed);
      };
    case Type.Utf8:
      return (v, seed) => h.bytes(encoder.encode(v as string), seed);
    case Type.Binary:
      return (v, seed) => h.bytes(v as Uint8Array, seed);
    case Type.Decimal: {
      const precision = decimalSpecOf(type)!.precision;
      return precision <= 18 ? (v, seed) => h.long(v as bigint, seed) : (v, seed) => h.bytes(bigIntegerBytes(v as bigint), seed);
    }
    case Type.List: {
      const element = valueHasher(elementType(type), h);
      return (v, seed) => (v as unknown[]).reduce<H>((acc, e) => (e === null ? acc : element(e, acc)), seed);
    }
    case Type.Map: {
      const { key, value } = mapTypes(type);
      const k = valueHasher(key, h);
      const x = valueHasher(value, h);
      return (v, seed) => {
        let acc = seed;
        for (const [mk, mv] of v as Map<unknown, unknown>) {
          acc = k(mk, acc);
          if (mv !== null) acc = x(mv, acc);
        }
        return acc;
      };
    }
    case Type.Struct: {
      const fields = (type as Struct).children.map((f) => ({ name: f.name, hash: valueHasher(f.type, h) }));
      return (v, seed) => fields.reduce<H>((acc, f) => {
        const x = (v as Record<string, unknown>)[f.name];
        return x === null || x === undefined ? acc : f.hash(x, acc);
      }, seed);
    }
  }
  throw new Error(`cannot hash ${String(type)}`);
}

/**
 * Spark's `XxHash64Function.hash(value, type, 42)` of one value, as a signed 64-bit bigint: what
 * `approx_count_distinct`'s HyperLogLog++ hashes each input with.
 *
 * @example xxhash64Of(new Utf8())('Spark') // the xxhash64 Spark gives 'Spark'
 */
export function xxhash64Of(type: DataType): (value: unknown) => bigint {
  const hasher = valueHasher(type, XXHASH64);
  return (value) => hasher(value, 42n);
}

function hashFunction<H>(name: string, hasher: Hasher<H>, seed: H, type: DataType, description: string, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'hash',
    arity: [1, Infinity],
    doc: { usage: `${name}(expr1, expr2, ...)`, description, examples: [example] },
    bind: (call: CallContext) => {
      for (const [i, a] of call.args.entries()) if (a.type.typeId === Type.Map) call.fail('maps cannot be hashed (as in Spark: their entry order is not defined)', i);
      const hashers = call.args.map((a) => valueHasher(a.type, hasher));
      return rowFunction(call.outputName, type, call.args, (...values) => {
        let acc = seed;
        for (let k = 0; k < hashers.length; k++) if (values[k] !== null) acc = hashers[k]!(values[k], acc);
        return acc;
      }, { nullSafe: true });
    },
  };
}

export const hashFunctionDefinition = hashFunction('hash', MURMUR3, 42, new Int32(), "Spark's Murmur3 hash of the arguments (seed 42), as an int: the value Spark's hash partitioning and `hash()` give.", { sql: "hash('Spark', array(123), 2)", result: -1321691492 });
export const xxhash64Function = hashFunction('xxhash64', XXHASH64, 42n, new Int64(), "Spark's 64-bit xxHash of the arguments (seed 42), as a bigint.", { sql: "xxhash64('Spark', array(123), 2)", result: 5602566077635097486n });

function binaryArg(call: CallContext): BoundExpression {
  const a = call.args[0]!;
  return isBinaryType(a.type) ? a : argAs(call, 0, new Binary());
}

function digest(name: string, algorithm: string, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    aliases: name === 'sha1' ? ['sha'] : [],
    family: 'hash',
    arity: [1, 1],
    doc: { usage: `${name}(expr)`, description: `The ${algorithm.toUpperCase()} digest of a binary value (a string as UTF-8), as lower-case hex.`, examples: [example] },
    bind: (call) => rowFunction(call.outputName, new Utf8(), [binaryArg(call)], (v) => createHash(algorithm).update(v as Uint8Array).digest('hex')),
  };
}

export const md5Function = digest('md5', 'md5', { sql: "md5('Spark')", result: '8cde774d6f7333752ed72cacddb05126' });
export const sha1Function = digest('sha1', 'sha1', { sql: "sha1('Spark')", result: '85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c' });

export const sha2Function: ScalarFunctionDefinition = {
  name: 'sha2',
  family: 'hash',
  arity: [2, 2],
  doc: {
    usage: 'sha2(expr, bitLength)',
    description: 'The SHA-2 digest (bitLength 224, 256, 384 or 512; 0 means 256) as lower-case hex; null for another bit length.',
    examples: [{ sql: "sha2('Spark', 256)", result: '529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b' }],
  },
  bind: (call) =>
    rowFunction(call.outputName, new Utf8(), [binaryArg(call), argAs(call, 1, new Int32())], (v, bits) => {
      const algorithm = ({ 0: 'sha256', 224: 'sha224', 256: 'sha256', 384: 'sha384', 512: 'sha512' } as Record<number, string>)[bits as number];
      return algorithm ? createHash(algorithm).update(v as Uint8Array).digest('hex') : null;
    }),
};

export const crc32Function: ScalarFunctionDefinition = {
  name: 'crc32',
  family: 'hash',
  arity: [1, 1],
  doc: { usage: 'crc32(expr)', description: 'The CRC-32 of a binary value (a string as UTF-8), as a bigint.', examples: [{ sql: "crc32('Spark')", result: 1557323817n }] },
  bind: (call) => rowFunction(call.outputName, new Int64(), [binaryArg(call)], (v) => BigInt(zlibCrc32(v as Uint8Array))),
};

/**
 * Spark's `hash(expr1, expr2, ...)`: Spark's Murmur3 hash of the arguments (seed 42), as an int: the value Spark's hash partitioning and `hash()` give.
 *
 * @example
 * withColumn('bucket', hash(col('id')))
 * // in SQL: hash('Spark', array(123), 2) → -1321691492
 */
export function hash(...columns: readonly ColumnLike[]): Column {
  return callColumn('hash', ...columns.map(colArg));
}
/**
 * Spark's `xxhash64(expr1, expr2, ...)`: Spark's 64-bit xxHash of the arguments (seed 42), as a bigint.
 *
 * @example
 * withColumn('bucket', xxhash64(col('id')))
 * // in SQL: xxhash64('Spark', array(123), 2) → 5602566077635097486
 */
export function xxhash64(...columns: readonly ColumnLike[]): Column {
  return callColumn('xxhash64', ...columns.map(colArg));
}
/**
 * Spark's `md5(expr)`: The MD5 digest of a binary value (a string as UTF-8), as lower-case hex.
 *
 * @example
 * withColumn('md5', md5(col('id')))
 * // in SQL: md5('Spark') → '8cde774d6f7333752ed72cacddb05126'
 */
export function md5(column: ColumnLike): Column {
  return callColumn('md5', colArg(column));
}
/**
 * Spark's `sha1(expr)`: The SHA1 digest of a binary value (a string as UTF-8), as lower-case hex.
 *
 * @example
 * withColumn('sha1', sha1(col('id')))
 * // in SQL: sha1('Spark') → '85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c'
 */
export function sha1(column: ColumnLike): Column {
  return callColumn('sha1', colArg(column));
}
/**
 * Spark's `sha2(expr, bitLength)`: The SHA-2 digest (bitLength 224, 256, 384 or 512; 0 means 256) as lower-case hex; null for another bit length.
 *
 * @example
 * withColumn('sha2', sha2(col('id'), 256))
 * // in SQL: sha2('Spark', 256) → '529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b'
 */
export function sha2(column: ColumnLike, bitLength: 224 | 256 | 384 | 512 | 0): Column {
  return callColumn('sha2', colArg(column), litArg(bitLength));
}
/**
 * Spark's `crc32(expr)`: The CRC-32 of a binary value (a string as UTF-8), as a bigint.
 *
 * @example
 * withColumn('crc32', crc32(col('id')))
 * // in SQL: crc32('Spark') → 1557323817
 */
export function crc32(column: ColumnLike): Column {
  return callColumn('crc32', colArg(column));
}
