import { describe, expect, it } from 'vitest';
import { evaluateRows, evaluateValue } from '../../testing/evaluateExpression.ts';
import { murmur3Bytes } from './murmur3.ts';
import { xxhash64Bytes } from './xxhash64.ts';

/** Spark's exact values: its function docs, HashExpressionsSuite's rules, and the published algorithms. */
const v = (sql: string) => evaluateValue(sql);

describe('hash (Murmur3, seed 42) and xxhash64 (seed 42)', () => {
  it('give Spark\'s documented values', () => {
    expect(v("hash('Spark', array(123), 2)")).toBe(-1321691492);
    expect(v("xxhash64('Spark', array(123), 2)")).toBe(5602566077635097486n);
    expect(v('hash(1)')).toBe(-559580957);
  });

  it('skip nulls: a null leaves the running hash as it was (hash of only nulls is the seed)', () => {
    expect(v('hash(NULL)')).toBe(42);
    expect(v('xxhash64(NULL)')).toBe(42n);
    expect(v("hash('a', NULL, 1)")).toBe(v("hash('a', 1)"));
    expect(evaluateRows('hash(a, b)', [{ a: 'x', b: null }, { a: 'x', b: 1 }], 'a STRING, b INT')).toEqual([v("hash('x')"), v("hash('x', 1)")]);
  });

  it('fold arrays and structs element by element, as if the elements were arguments', () => {
    expect(v('hash(array(1, 2, 3))')).toBe(v('hash(1, 2, 3)'));
    expect(v('hash(array(1, NULL, 3))')).toBe(v('hash(1, 3)'));
    expect(v("hash(named_struct('a', 1, 'b', 'x'))")).toBe(v("hash(1, 'x')"));
    expect(v('xxhash64(array(1L, 2L))')).toBe(v('xxhash64(1L, 2L)'));
  });

  it('hash each type by its Spark representation', () => {
    // Ints of every width hash alike; booleans as 1/0; dates as their day number.
    expect(v('hash(cast(1 as tinyint))')).toBe(v('hash(1)'));
    expect(v('hash(cast(1 as smallint))')).toBe(v('hash(1)'));
    expect(v('hash(true)')).toBe(v('hash(1)'));
    expect(v("hash(DATE '1970-01-02')")).toBe(v('hash(1)'));
    // Longs hash as 8 bytes; a timestamp as its microseconds.
    expect(v('hash(1L)')).not.toBe(v('hash(1)'));
    expect(v("hash(TIMESTAMP '1970-01-01 00:00:00.001')")).toBe(v('hash(1000L)'));
    // Binary and its UTF-8 string hash alike.
    expect(v("hash(cast('Spark' as binary))")).toBe(v("hash('Spark')"));
    // SPARK-35207: -0.0 and 0.0 hash alike.
    expect(v('hash(-0.0D)')).toBe(v('hash(0.0D)'));
    expect(v('hash(cast(-0.0 as float))')).toBe(v('hash(cast(0.0 as float))'));
    expect(v('xxhash64(-0.0D)')).toBe(v('xxhash64(0.0D)'));
    // Decimals of precision ≤ 18 hash their unscaled long.
    expect(v("hash(cast('1.5' as decimal(10,1)))")).toBe(v('hash(15L)'));
  });

  it('refuse maps, as Spark does', () => {
    expect(() => v("hash(map(1, 'a'))")).toThrow(/maps cannot be hashed/);
  });

  it('Murmur3 bytes use Spark\'s tail rule; xxHash64 matches the reference vectors', () => {
    // Spark mixes each trailing byte (sign-extended) as its own block: differs from standard Murmur3.
    expect(murmur3Bytes(new TextEncoder().encode('Spark'), 42)).toBe(v("hash('Spark')"));
    // XXH64 reference values (xxhash spec): empty input with seed 0, and "a".
    expect(BigInt.asUintN(64, xxhash64Bytes(new Uint8Array(0), 0n)).toString(16)).toBe('ef46db3751d8e999');
    expect(BigInt.asUintN(64, xxhash64Bytes(new TextEncoder().encode('a'), 0n)).toString(16)).toBe('d24ec4f1a98c6e5b');
    const long = new TextEncoder().encode('Nobody inspects the spammish repetition'); // ≥ 32 bytes: the striped path
    expect(BigInt.asUintN(64, xxhash64Bytes(long, 0n)).toString(16)).toBe('fbcea83c8a378bf1');
  });
});

describe('digests and crc32', () => {
  it('md5, sha1, sha2 and crc32 give Spark\'s documented values', () => {
    expect(v("md5('Spark')")).toBe('8cde774d6f7333752ed72cacddb05126');
    expect(v("sha1('Spark')")).toBe('85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c');
    expect(v("sha('Spark')")).toBe('85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c');
    expect(v("sha2('Spark', 256)")).toBe('529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b');
    expect(v("sha2('Spark', 0)")).toBe(v("sha2('Spark', 256)"));
    expect(v("crc32('Spark')")).toBe(1557323817n);
  });

  it('sha2 bit lengths; nulls give null', () => {
    expect(v("length(sha2('ABC', 224))")).toBe(56);
    expect(v("length(sha2('ABC', 384))")).toBe(96);
    expect(v("length(sha2('ABC', 512))")).toBe(128);
    expect(v("sha2('ABC', 1024)")).toBe(null);
    expect(v('sha2(NULL, 256)')).toBe(null);
    expect(v('md5(NULL)')).toBe(null);
    expect(v('crc32(NULL)')).toBe(null);
    expect(v("md5(X'')")).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});
