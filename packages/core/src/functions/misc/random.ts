import { Float64, Int32, Int64, Utf8 } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { materialize, type BoundExpression } from '../../expressions/bound.ts';
import { rowValues } from '../../expressions/kernels/rows.ts';
import { numericVector } from '../../expressions/kernels/numbers.ts';
import { Utf8Builder } from '../../expressions/kernels/utf8.ts';
import type { Column } from '../../operators/column.ts';
import { callColumn, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { constantArg } from '../arguments.ts';

const MASK64 = 0xffffffffffffffffn;

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Scala's `MurmurHash3.bytesHash` (the one XORShiftRandom seeds with). */
function scalaBytesHash(bytes: Uint8Array, seed: number): number {
  let h = seed | 0;
  let i = 0;
  const mixLast = (hash: number, k: number) => {
    k = Math.imul(k, 0xcc9e2d51);
    k = rotl32(k, 15);
    k = Math.imul(k, 0x1b873593);
    return hash ^ k;
  };
  for (; bytes.length - i >= 4; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h = mixLast(h, k);
    h = (Math.imul(rotl32(h, 13), 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const left = bytes.length - i;
  if (left === 3) k ^= bytes[i + 2]! << 16;
  if (left >= 2) k ^= bytes[i + 1]! << 8;
  if (left >= 1) {
    k ^= bytes[i]!;
    h = mixLast(h, k);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Spark's XORShiftRandom: the generator of `rand`, `randn` and `uuid`, seeded with seed +
 * partition index (one partition per batch here), so a batch replays the same values.
 */
export class XorShiftRandom {
  private seed: bigint;
  private nextNextGaussian: number | null = null;

  constructor(init: bigint) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, BigInt.asIntN(64, init));
    const low = scalaBytesHash(bytes, 0x3c074a61);
    const high = scalaBytesHash(bytes, low);
    this.seed = (BigInt(high) << 32n) | BigInt(low >>> 0);
    this.seed = BigInt.asUintN(64, this.seed);
  }

  next(bits: number): number {
    let s = this.seed;
    s ^= (s << 21n) & MASK64;
    s ^= s >> 35n;
    s ^= (s << 4n) & MASK64;
    this.seed = s;
    return Number(BigInt.asIntN(32, s & ((1n << BigInt(bits)) - 1n)));
  }

  nextDouble(): number {
    return (this.next(26) * 134217728 + this.next(27)) * 2 ** -53;
  }

  nextLong(): bigint {
    return BigInt.asIntN(64, (BigInt(this.next(32)) << 32n) + BigInt(this.next(32)));
  }

  /** java.util.Random's polar method. */
  nextGaussian(): number {
    if (this.nextNextGaussian !== null) {
      const g = this.nextNextGaussian;
      this.nextNextGaussian = null;
      return g;
    }
    let v1: number;
    let v2: number;
    let s: number;
    do {
      v1 = 2 * this.nextDouble() - 1;
      v2 = 2 * this.nextDouble() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    const multiplier = Math.sqrt((-2 * Math.log(s)) / s);
    this.nextNextGaussian = v2 * multiplier;
    return v1 * multiplier;
  }
}

function seedArg(call: CallContext): bigint {
  if (!call.args[0]) return BigInt(Math.floor(Math.random() * 2 ** 52)) - 2n ** 51n;
  const value = constantArg(call, 0, 'the seed');
  if (value === null) return 0n;
  if (typeof value !== 'number' && typeof value !== 'bigint') return call.fail('the seed must be an integer constant', 0);
  return BigInt(value);
}

function randomDoubles(call: CallContext, gaussian: boolean): BoundExpression {
  const seed = seedArg(call);
  return {
    name: call.outputName,
    type: new Float64(),
    deterministic: false,
    evaluate: (batch) => {
      const random = new XorShiftRandom(seed);
      const out = new Float64Array(batch.numRows);
      for (let i = 0; i < out.length; i++) out[i] = gaussian ? random.nextGaussian() : random.nextDouble();
      return numericVector(new Float64(), out, null);
    },
  };
}

export const randFunction: ScalarFunctionDefinition = {
  name: 'rand',
  aliases: ['random'],
  family: 'misc',
  arity: [0, 1],
  doc: { usage: 'rand([seed])', description: 'Uniform doubles in [0, 1) from Spark\'s XORShiftRandom seeded with `seed` (plus the partition, here 0): the same values as Spark for a one-partition input, and the same again when a batch replays.', examples: [] },
  bind: (call) => randomDoubles(call, false),
};

export const randnFunction: ScalarFunctionDefinition = {
  name: 'randn',
  family: 'misc',
  arity: [0, 1],
  doc: { usage: 'randn([seed])', description: 'Standard normal doubles from the same generator as rand.', examples: [] },
  bind: (call) => randomDoubles(call, true),
};

export const uuidFunction: ScalarFunctionDefinition = {
  name: 'uuid',
  family: 'misc',
  arity: [0, 0],
  doc: { usage: 'uuid()', description: 'A version-4 UUID per row, from Spark\'s seeded generator (seed fixed when the query is defined).', examples: [] },
  bind: (call) => {
    const seed = seedArg({ ...call, args: [] });
    return {
      name: call.outputName,
      type: new Utf8(),
      deterministic: false,
      evaluate: (batch) => {
        const random = new XorShiftRandom(seed);
        const builder = new Utf8Builder(batch.numRows, batch.numRows * 36);
        for (let i = 0; i < batch.numRows; i++) {
          const most = (random.nextLong() & ~0xf000n) | 0x4000n;
          const least = (random.nextLong() | -0x8000000000000000n) & ~0x4000000000000000n;
          const hex = BigInt.asUintN(64, most).toString(16).padStart(16, '0') + BigInt.asUintN(64, least).toString(16).padStart(16, '0');
          builder.append(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
        }
        return builder.finish();
      },
    };
  },
};

export const monotonicallyIncreasingIdFunction: ScalarFunctionDefinition = {
  name: 'monotonically_increasing_id',
  family: 'misc',
  arity: [0, 0],
  doc: {
    usage: 'monotonically_increasing_id()',
    description: "Spark's id: partition index << 33 plus the row's position in its partition. Each batch is one partition here, so ids count from 0 in every batch, as a one-partition Spark stream does.",
    examples: [],
  },
  bind: (call) => ({
    name: call.outputName,
    type: new Int64(),
    deterministic: false,
    evaluate: (batch) => numericVector(new Int64(), BigInt64Array.from({ length: batch.numRows }, (_, i) => BigInt(i)), null),
  }),
};

/**
 * Spark's `spark_partition_id()` is the index of the task that evaluates the row, so its value is
 * a fact about Spark's physical plan, not about the data (Spark marks it nondeterministic): before
 * a shuffle it is the source's split (a Kafka topic-partition's place among the batch's offset
 * ranges, a file split, one MemoryStream `addData` block), after one it is
 * `pmod(murmur3(keys), spark.sql.shuffle.partitions)`. Sluice evaluates a micro-batch as one
 * partition, so it answers what Spark answers when a batch is one partition: 0. Where a partition
 * is what the user wants: a Kafka row's `partition` column, or `readState`'s `partition_id` (the
 * state store partition of a key, by Spark's hash).
 */
export const sparkPartitionIdFunction: ScalarFunctionDefinition = {
  name: 'spark_partition_id',
  family: 'misc',
  arity: [0, 0],
  doc: {
    usage: 'spark_partition_id()',
    description:
      "The index of the partition evaluating the row. Sluice evaluates each micro-batch as one partition, so it is always 0, as in Spark when a batch is one partition; Spark's value depends on its physical plan (source splits, shuffle partitions). For a Kafka row's partition use the `partition` column; for the state store partition of a key, readState's `partition_id`.",
    examples: [{ sql: 'spark_partition_id()', result: 0 }],
  },
  bind: (call) => ({ name: call.outputName, type: new Int32(), deterministic: false, foldable: false, evaluate: (batch) => numericVector(new Int32(), new Int32Array(batch.numRows), null) }),
};

export const assertTrueFunction: ScalarFunctionDefinition = {
  name: 'assert_true',
  family: 'misc',
  arity: [1, 2],
  doc: { usage: 'assert_true(condition[, message])', description: 'Null when the condition is true; fails the batch otherwise.', examples: [{ sql: 'assert_true(1 < 2)', result: null }] },
  bind: (call) => {
    const condition = call.args[0]!;
    const message = call.args[1];
    return {
      name: call.outputName,
      type: new Utf8(),
      evaluate: (batch, context) => {
        const values = condition.constant ? new Array(batch.numRows).fill(condition.constant.value) : rowValuesOf(condition, batch, context);
        const messages = message ? (message.constant ? new Array(batch.numRows).fill(message.constant.value) : rowValuesOf(message, batch, context)) : null;
        values.forEach((v, i) => {
          if (v !== true) throw new SluiceError('TRANSFORM_FAILED', messages ? String(messages[i]) : `'${condition.name}' is not true!`);
        });
        return materialize(new Utf8(), null, batch.numRows);
      },
    };
  },
};

function rowValuesOf(bound: BoundExpression, batch: import('apache-arrow').RecordBatch, context: import('../../builders/plan.ts').OperatorContext): unknown[] {
  return rowValues(bound.evaluate(batch, context));
}

/**
 * Spark's `rand([seed])`: Uniform doubles in [0, 1) from Spark's XORShiftRandom seeded with `seed` (plus the partition, here 0): the same values as Spark for a one-partition input, and the same again when a batch replays.
 *
 * @example
 * withColumn('sample', rand(42))
 */
export function rand(seed?: number): Column {
  return seed === undefined ? callColumn('rand') : callColumn('rand', litArg(seed));
}
/**
 * Spark's `randn([seed])`: Standard normal doubles from the same generator as rand.
 *
 * @example
 * withColumn('noise', randn(42))
 */
export function randn(seed?: number): Column {
  return seed === undefined ? callColumn('randn') : callColumn('randn', litArg(seed));
}
/**
 * Spark's `uuid()`: A version-4 UUID per row, from Spark's seeded generator (seed fixed when the query is defined).
 *
 * @example
 * withColumn('id', uuid())
 */
export function uuid(): Column {
  return callColumn('uuid');
}
/**
 * Spark's `monotonically_increasing_id()`: Spark's id: partition index << 33 plus the row's position in its partition. Each batch is one partition here, so ids count from 0 in every batch, as a one-partition Spark stream does.
 *
 * @example
 * withColumn('rowId', monotonicallyIncreasingId())
 */
export function monotonicallyIncreasingId(): Column {
  return callColumn('monotonically_increasing_id');
}
