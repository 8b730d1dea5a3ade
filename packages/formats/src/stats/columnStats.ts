import { DataType, TimeUnit, Type, type Data, type Struct, type Table, type Timestamp } from 'apache-arrow';
import { formatDecimalJava, formatIsoDateDays, formatIsoTimestampMs, unscaledAt } from '@sluice/core';
import { validity } from '../columnReader.ts';

/** A JSON-ready value tree, in the shape of Delta's `add.stats`. */
export type StatsTree = { [column: string]: StatsValue };
export type StatsValue = number | string | DecimalStat | StatsTree;

/**
 * A DECIMAL bound, kept as its exact digits: Spark writes decimal stats as JSON numbers with every
 * digit (`12.30`), which a JS number cannot always hold. {@link statsJson} writes the digits;
 * plain `JSON.stringify` falls back to the nearest double.
 */
export class DecimalStat {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

/**
 * The JSON text of stats as Delta's `add.stats` holds it, decimals with their exact digits.
 *
 * @example statsJson(columnStats(table)) // {"numRecords":2,"minValues":{"amount":12.30},…}
 */
export function statsJson(stats: ColumnStats): string {
  const write = (value: StatsValue | number): string => {
    if (value instanceof DecimalStat) return value.text;
    if (typeof value !== 'object') return JSON.stringify(value);
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`;
  };
  return `{"numRecords":${stats.numRecords},"minValues":${write(stats.minValues)},"maxValues":${write(stats.maxValues)},"nullCount":${write(stats.nullCount)}}`;
}

/** Delta's per-file statistics: the JSON that goes, stringified, into an `add` action's `stats`. */
export interface ColumnStats {
  numRecords: number;
  minValues: StatsTree;
  maxValues: StatsTree;
  nullCount: StatsTree;
}

/** Delta (and delta-rs) keep at most this many characters of a string min/max. */
const STRING_PREFIX = 32;
/** Appended to a truncated max so it stays above every value with that prefix. */
const MAX_CHAR = String.fromCodePoint(0x10ffff);

/**
 * Per-column statistics of `table` as Delta's `add.stats` holds them: `numRecords`, and per
 * column `minValues`, `maxValues` and `nullCount`, recursing into structs. Timestamps are ISO-8601
 * strings (ms, `Z`), dates `yyyy-MM-dd`, decimals exact ({@link DecimalStat}), strings truncated to 32 characters (a truncated max is
 * raised so it still bounds the column). There is no min/max for binary, boolean, list and map
 * columns, for all-null columns, nor for a float bound that is infinite (JSON cannot say it).
 *
 * @example JSON.stringify(columnStats(table)) // {"numRecords":3,"minValues":{"id":1},…}
 */
export function columnStats(table: Table): ColumnStats {
  const stats: ColumnStats = { numRecords: table.numRows, minValues: {}, maxValues: {}, nullCount: {} };
  table.schema.fields.forEach((field, j) => {
    const chunks = table.batches.map((b) => b.data.children[j]!);
    collect(field.name, field.type, chunks.map((data) => ({ data, parentValid: undefined })), stats.minValues, stats.maxValues, stats.nullCount);
  });
  return stats;
}

interface Chunk {
  readonly data: Data;
  /** For struct children: whether the enclosing struct is valid at row i (a null struct makes its fields null). */
  readonly parentValid: ((i: number) => boolean) | undefined;
}

function collect(name: string, type: DataType, chunks: readonly Chunk[], min: StatsTree, max: StatsTree, nulls: StatsTree): void {
  if (DataType.isStruct(type)) {
    const childMin: StatsTree = {};
    const childMax: StatsTree = {};
    const childNulls: StatsTree = {};
    (type as Struct).children.forEach((field, k) => {
      const childChunks = chunks.map(({ data, parentValid }) => {
        const valid = validity(data);
        return { data: data.children[k]!, parentValid: (i: number) => (parentValid === undefined || parentValid(i)) && valid(i) };
      });
      collect(field.name, field.type, childChunks, childMin, childMax, childNulls);
    });
    nulls[name] = childNulls;
    if (Object.keys(childMin).length > 0) min[name] = childMin;
    if (Object.keys(childMax).length > 0) max[name] = childMax;
    return;
  }
  let nullCount = 0;
  const bounds = boundsKeeper(type);
  for (const { data, parentValid } of chunks) {
    const valid = validity(data);
    const read = bounds?.reader(data);
    for (let i = 0; i < data.length; i++) {
      if (!valid(i) || (parentValid !== undefined && !parentValid(i))) nullCount++;
      else read?.(i);
    }
  }
  nulls[name] = nullCount;
  const result = bounds?.result();
  if (result?.min !== undefined) min[name] = result.min;
  if (result?.max !== undefined) max[name] = result.max;
}

interface BoundsKeeper {
  reader(data: Data): (i: number) => void;
  result(): { min?: StatsValue; max?: StatsValue };
}

function boundsKeeper(type: DataType): BoundsKeeper | undefined {
  switch (type.typeId) {
    case Type.Int:
      if ((type as unknown as { bitWidth: number }).bitWidth === 64) return int64Bounds((v) => bigintToNumber(v.min, 'down'), (v) => bigintToNumber(v.max, 'up'));
      return numberBounds((v) => v);
    case Type.Float:
      return numberBounds((v) => v);
    case Type.Date:
      if ((type as unknown as { unit: number }).unit === 0) return numberBounds((v) => formatIsoDateDays(v));
      return int64Bounds((v) => formatIsoDateDays(Math.floor(Number(v.min) / 86_400_000)), (v) => formatIsoDateDays(Math.floor(Number(v.max) / 86_400_000)));
    case Type.Timestamp: {
      const perMs = [1 / 1000, 1, 1000, 1_000_000][(type as Timestamp).unit]!;
      const unit = (type as Timestamp).unit;
      const toMs = (v: bigint, round: 'down' | 'up') => {
        if (unit === TimeUnit.MILLISECOND) return Number(v);
        if (unit === TimeUnit.SECOND) return Number(v) * 1000;
        const ms = Number(v / BigInt(perMs));
        return round === 'up' && BigInt(ms) * BigInt(perMs) < v ? ms + 1 : round === 'down' && v < 0n && BigInt(ms) * BigInt(perMs) > v ? ms - 1 : ms;
      };
      return int64Bounds((v) => formatIsoTimestampMs(toMs(v.min, 'down')), (v) => formatIsoTimestampMs(toMs(v.max, 'up')));
    }
    case Type.Utf8:
      return stringBounds();
    case Type.Decimal:
      return decimalBounds((type as unknown as { scale: number }).scale);
    default:
      return undefined; // binary, boolean, list, map and others: null counts only
  }
}

function numberBounds(show: (v: number) => StatsValue): BoundsKeeper {
  let min = Infinity;
  let max = -Infinity;
  let seen = false;
  let infiniteLow = false;
  let infiniteHigh = false;
  return {
    reader(data) {
      const values = data.values as ArrayLike<number>;
      return (i) => {
        const v = values[i]!;
        if (v !== v) return; // NaN bounds nothing
        seen = true;
        if (v === -Infinity) infiniteLow = true;
        else if (v === Infinity) infiniteHigh = true;
        if (v < min) min = v;
        if (v > max) max = v;
      };
    },
    result() {
      if (!seen) return {};
      return { ...(infiniteLow ? {} : { min: show(min) }), ...(infiniteHigh ? {} : { max: show(max) }) };
    },
  };
}

function int64Bounds(showMin: (v: { min: bigint }) => StatsValue, showMax: (v: { max: bigint }) => StatsValue): BoundsKeeper {
  let min: bigint | undefined;
  let max: bigint | undefined;
  return {
    reader(data) {
      const values = data.values as BigInt64Array;
      return (i) => {
        const v = values[i]!;
        if (min === undefined || v < min) min = v;
        if (max === undefined || v > max) max = v;
      };
    },
    result() {
      return min === undefined || max === undefined ? {} : { min: showMin({ min }), max: showMax({ max }) };
    },
  };
}

/** DECIMAL bounds compared as unscaled bigints (one scale per column), written as Spark does (BigDecimal.toString). */
function decimalBounds(scale: number): BoundsKeeper {
  let min: bigint | undefined;
  let max: bigint | undefined;
  return {
    reader(data) {
      return (i) => {
        const v = unscaledAt(data as Data<never>, i);
        if (min === undefined || v < min) min = v;
        if (max === undefined || v > max) max = v;
      };
    },
    result() {
      return min === undefined || max === undefined ? {} : { min: new DecimalStat(formatDecimalJava(min, scale)), max: new DecimalStat(formatDecimalJava(max, scale)) };
    },
  };
}

/** A bigint as a JSON number, rounded outward when it is not exactly representable. */
function bigintToNumber(v: bigint, direction: 'up' | 'down'): number {
  let n = Number(v);
  const step = Math.max(1, Math.abs(n) * Number.EPSILON);
  if (direction === 'up' && BigInt(n) < v) n += step;
  if (direction === 'down' && BigInt(n) > v) n -= step;
  return n;
}

/** String bounds compared as UTF-8 bytes (Delta's order), decoded only at the end. */
function stringBounds(): BoundsKeeper {
  let min: Uint8Array | undefined;
  let max: Uint8Array | undefined;
  return {
    reader(data) {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      return (i) => {
        const v = bytes.subarray(offsets[i]!, offsets[i + 1]!);
        if (min === undefined || compareBytes(v, min) < 0) min = v;
        if (max === undefined || compareBytes(v, max) > 0) max = v;
      };
    },
    result() {
      if (min === undefined || max === undefined) return {};
      const lo = [...Buffer.from(min).toString('utf8')];
      const hi = [...Buffer.from(max).toString('utf8')];
      return {
        min: lo.slice(0, STRING_PREFIX).join(''),
        max: hi.length > STRING_PREFIX ? hi.slice(0, STRING_PREFIX).join('') + MAX_CHAR : hi.join(''),
      };
    },
  };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}
