import { Binary, Field, Float64, Int64, List, type DataType } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { xxhash64Of } from '../../functions/hash/sparkHash.ts';
import { isIntegral } from '../typeChecks.ts';
import type { AggregateKind, AggregateOptions } from '../aggregates.ts';
import { BIASES_P9, RAW_ESTIMATES_P9 } from './hllBias.ts';

/**
 * Spark's `approx_count_distinct`: HyperLogLog++ (`HyperLogLogPlusPlusHelper`) over Spark's
 * xxhash64 (seed 42) of each value. p = ceil(2·log2(1.106 / rsd)) (9 at rsd 0.05: 512 registers,
 * kept one byte each in state); a register keeps the highest position of the first 1 bit after
 * the index bits; the estimate is linear counting while it is below the threshold for p and
 * registers are empty, else the harmonic-mean estimate.
 */
export function approxCountDistinctKind(inputType: DataType, rsd: number, label: string): AggregateKind {
  if (!(rsd > 0) || !(rsd < 1) || !Number.isFinite(rsd)) throw new SluiceError('INVALID_QUERY', `${label}: the relative standard deviation must be in (0, 1), got ${rsd}.`);
  const p = Math.ceil(2 * Math.log2(1.106 / rsd));
  if (p < 4) throw new SluiceError('INVALID_QUERY', `${label}: HLL++ requires at least 4 bits for addressing; use a lower error, at most 39% (got rsd ${rsd}).`);
  const m = 1 << p;
  const idxShift = BigInt(64 - p);
  const wPadding = 1n << BigInt(p - 1);
  const hash = xxhash64Of(inputType);
  const alphaMM = p === 4 ? 0.673 * m * m : p === 5 ? 0.697 * m * m : p === 6 ? 0.709 * m * m : (0.7213 / (1 + 1.079 / m)) * m * m;
  const threshold = THRESHOLDS[p - 4] ?? Number.POSITIVE_INFINITY;
  return {
    resultType: new Int64(),
    init: () => new Uint8Array(m),
    add: (acc, v) => {
      if (v === null) return acc;
      const registers = acc as Uint8Array;
      const x = BigInt.asUintN(64, hash(v));
      const idx = Number(x >> idxShift);
      const w = BigInt.asUintN(64, (x << BigInt(p)) | wPadding);
      const pw = leadingZeros64(w) + 1;
      if (pw > registers[idx]!) registers[idx] = pw;
      return registers;
    },
    merge: (a, b) => {
      const out = Uint8Array.from(a as Uint8Array);
      const other = b as Uint8Array;
      for (let i = 0; i < m; i++) if (other[i]! > out[i]!) out[i] = other[i]!;
      return out;
    },
    result: (acc) => {
      const registers = acc as Uint8Array;
      let zInverse = 0;
      let zeros = 0;
      for (let i = 0; i < m; i++) {
        zInverse += 1 / 2 ** registers[i]!;
        if (registers[i] === 0) zeros++;
      }
      const e = alphaMM / zInverse;
      const corrected = () => (e < 5 * m ? e - estimateBias(p, e) : e);
      let estimate: number;
      if (zeros > 0) {
        // Linear counting for small cardinalities (below p's threshold, or the original HLL's 2.5 m).
        const h = m * Math.log(m / zeros);
        estimate = h <= threshold || e <= 2.5 * m ? h : corrected();
      } else estimate = corrected();
      return BigInt(Math.round(estimate));
    },
    stateFields: [new Field('approx_count_distinct.registers', new Binary(), false)],
    toState: (acc, out) => void out.push(acc),
    fromState: (row, at) => Uint8Array.from((row[at] as Uint8Array | null) ?? new Uint8Array(m)),
  };
}

/** HLL++'s linear-counting thresholds per p (4…18), from the HyperLogLog++ paper. */
const THRESHOLDS = [10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 15500, 20000, 50000, 120000, 350000];

/** The paper's bias of raw estimate e: the mean bias of the K = 6 measured estimates nearest e. */
function estimateBias(p: number, e: number): number {
  if (p !== 9) return 0;
  const estimates = RAW_ESTIMATES_P9;
  const n = estimates.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (estimates[mid]! < e) lo = mid + 1;
    else hi = mid;
  }
  const distance = (i: number) => (e - estimates[i]!) ** 2;
  let low = Math.max(lo - 6 + 1, 0);
  let high = Math.min(low + 6, n);
  while (high < n && distance(high) < distance(low)) {
    low++;
    high++;
  }
  let sum = 0;
  for (let i = low; i < high; i++) sum += BIASES_P9[i]!;
  return sum / (high - low);
}

function leadingZeros64(x: bigint): number {
  if (x === 0n) return 64;
  return 64 - x.toString(2).length;
}

interface Samples {
  /** The group's values, sorted (kept whole up to the accuracy, then compressed). */
  values: number[];
  count: number;
}

/**
 * Spark's `percentile_approx(col, percentage, accuracy)` (`ApproximatePercentile` over
 * `QuantileSummaries`): for each percentage q, the value at rank ceil(q·n) of the sorted values;
 * q at or below 1/accuracy gives the minimum, at or above 1 − 1/accuracy the maximum. Values are
 * kept exactly while the group has at most `accuracy` × 10 of them (Spark keeps them exactly
 * below its compression threshold too), beyond which every k-th is kept, within the error bound.
 */
export function percentileApproxKind(inputType: DataType, options: AggregateOptions, label: string): AggregateKind {
  const percentages = options.percentage;
  const list = Array.isArray(percentages);
  const qs: number[] = list ? [...(percentages as number[])] : [percentages as number];
  if (percentages === undefined || qs.some((q) => !(q >= 0 && q <= 1))) throw new SluiceError('INVALID_QUERY', `${label}: the percentage(s) must be between 0.0 and 1.0, got ${JSON.stringify(percentages)}.`);
  const accuracy = options.accuracy ?? 10000;
  if (!(accuracy > 0) || !Number.isInteger(accuracy)) throw new SluiceError('INVALID_QUERY', `${label}: the accuracy must be a positive integer, got ${accuracy}.`);
  const relativeError = 1 / accuracy;
  const cap = Math.max(accuracy * 10, 1000);
  const integral = isIntegral(inputType);
  const wide = integral && (inputType as unknown as { bitWidth: number }).bitWidth === 64;
  const out = (v: number) => (wide ? BigInt(v) : v);
  const insert = (s: Samples, v: number): Samples => {
    let lo = 0;
    let hi = s.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.values[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    s.values.splice(lo, 0, v);
    s.count++;
    if (s.values.length > cap) s.values = s.values.filter((_, i) => i % 2 === 0 || i === s.values.length - 1);
    return s;
  };
  const quantile = (s: Samples, q: number): number | null => {
    const n = s.values.length;
    if (n === 0) return null;
    if (q <= relativeError) return s.values[0]!;
    if (q >= 1 - relativeError) return s.values[n - 1]!;
    const rank = Math.ceil(q * n);
    return s.values[Math.min(n, Math.max(1, rank)) - 1]!;
  };
  return {
    resultType: list ? new List(new Field('element', inputType, false)) : inputType,
    init: () => ({ values: [], count: 0 }),
    add: (acc, v) => (v === null ? acc : insert(acc as Samples, Number(v))),
    merge: (a, b) => (b as Samples).values.reduce<Samples>((s, v) => insert(s, v), { values: [...(a as Samples).values], count: (a as Samples).count }),
    result: (acc) => {
      const s = acc as Samples;
      if (s.values.length === 0) return null;
      const values = qs.map((q) => out(quantile(s, q)!));
      return list ? values : values[0]!;
    },
    stateFields: [new Field('percentile_approx.samples', new List(new Field('element', new Float64(), false)), false), new Field('percentile_approx.count', new Int64(), false)],
    toState: (acc, o) => void o.push((acc as Samples).values, (acc as Samples).count),
    fromState: (row, at) => ({ values: [...((row[at] as number[] | null) ?? [])].map(Number), count: Number(row[at + 1] ?? 0) }),
  };
}
