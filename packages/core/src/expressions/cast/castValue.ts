import { DataType, Type, Utf8, type Int, type Struct } from 'apache-arrow';
import { decimalCast } from '../../decimal/decimalExpressions.ts';
import { formatDate, formatLocalTimestamp, MS_PER_DAY } from '../../time/civil.ts';
import { parseDateString, parseTimestampString } from '../../time/datetimeStrings.ts';
import type { ZoneRules } from '../../time/timeZone.ts';
import { elementType, isArrayType, isBinaryType, isBooleanType, isDateType, isFloatingType, isIntegralType, isMapType, isNullType, isNumericType, isStringType, isStructType, isTimestampType, mapTypes, sameType } from '../types.ts';
import { formatDouble, formatFloat, parseBigint, parseDouble, parseIntegral, trimAll } from './numberText.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const TRUE_STRINGS = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE_STRINGS = new Set(['f', 'false', 'n', 'no', '0']);

const bitsOf = (t: DataType): number => (t as Int).bitWidth;
const intRange = (bits: number): [number, number] => [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];

/**
 * Spark's cast of one value (non-ANSI: what does not convert is null), in the row convention of
 * `kernels/rows.ts`. Undefined when Spark does not allow the cast at all.
 */
export function castValueFunction(from: DataType, to: DataType, zone: ZoneRules): ((v: unknown) => unknown) | undefined {
  if (sameType(from, to) || isNullType(from)) return (v) => v;
  if (DataType.isDecimal(from) || DataType.isDecimal(to)) return decimalCast(from, to);
  if (isStringType(to)) return toText(from, zone);
  if (isBinaryType(to)) return isStringType(from) ? (v) => encoder.encode(v as string) : isIntegralType(from) ? integralBytes(bitsOf(from)) : undefined;
  if (isBooleanType(to)) {
    if (isStringType(from)) return (v) => {
      const s = trimAll(v as string).toLowerCase();
      return TRUE_STRINGS.has(s) ? true : FALSE_STRINGS.has(s) ? false : null;
    };
    if (isNumericType(from)) return (v) => (typeof v === 'bigint' ? v !== 0n : (v as number) !== 0);
    if (isTimestampType(from)) return (v) => (v as number) !== 0;
    if (isDateType(from)) return () => null;
    return undefined;
  }
  if (isIntegralType(to)) {
    const bits = bitsOf(to);
    if (isStringType(from)) {
      if (bits === 64) return (v) => parseBigint(v as string);
      const [min, max] = intRange(bits);
      return (v) => parseIntegral(v as string, min, max);
    }
    if (isBooleanType(from)) return (v) => (bits === 64 ? (v ? 1n : 0n) : v ? 1 : 0);
    if (isIntegralType(from)) return (v) => wrapInteger(v as number | bigint, bits);
    if (isFloatingType(from)) return (v) => floatToIntegral(v as number, bits);
    if (isTimestampType(from)) return (v) => wrapInteger(BigInt(Math.floor((v as number) / 1000)), bits);
    if (isDateType(from)) return () => null;
    return undefined;
  }
  if (isFloatingType(to)) {
    const single = (to as unknown as { precision: number }).precision === 1;
    const round = single ? Math.fround : (x: number) => x;
    if (isStringType(from)) return (v) => {
      const d = parseDouble(v as string);
      return d === null ? null : round(d);
    };
    if (isBooleanType(from)) return (v) => (v ? 1 : 0);
    if (isIntegralType(from) || isFloatingType(from)) return (v) => round(Number(v));
    if (isTimestampType(from)) return (v) => round((v as number) / 1000);
    if (isDateType(from)) return () => null;
    return undefined;
  }
  if (isTimestampType(to)) {
    if (isStringType(from)) return (v) => parseTimestampString(v as string, zone);
    if (isDateType(from)) return (v) => zone.toUtc((v as number) * MS_PER_DAY);
    if (isIntegralType(from)) return (v) => Number(v) * 1000;
    if (isFloatingType(from)) return (v) => (Number.isFinite(v as number) ? Math.trunc((v as number) * 1_000_000) / 1000 : null);
    if (isBooleanType(from)) return (v) => (v ? 1 : 0) * 1000;
    return undefined;
  }
  if (isDateType(to)) {
    if (isStringType(from)) return (v) => parseDateString(v as string);
    if (isTimestampType(from)) return (v) => Math.floor(((v as number) + zone.offsetAt(v as number)) / MS_PER_DAY);
    return undefined;
  }
  if (isArrayType(to) && isArrayType(from)) {
    const element = castValueFunction(elementType(from), elementType(to), zone);
    return element && ((v) => (v as unknown[]).map((e) => (e === null ? null : element(e))));
  }
  if (isMapType(to) && isMapType(from)) {
    const a = mapTypes(from);
    const b = mapTypes(to);
    const key = castValueFunction(a.key, b.key, zone);
    const value = castValueFunction(a.value, b.value, zone);
    return key && value && ((v) => new Map([...(v as Map<unknown, unknown>)].map(([k, x]) => [key(k), x === null ? null : value(x)])));
  }
  if (isStructType(to) && isStructType(from) && from.children.length === to.children.length) {
    const casts = to.children.map((f, i) => castValueFunction((from as Struct).children[i]!.type, f.type, zone));
    if (casts.some((c) => c === undefined)) return undefined;
    return (v) => {
      const row = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      to.children.forEach((f, i) => {
        const x = row[(from as Struct).children[i]!.name];
        out[f.name] = x === null || x === undefined ? null : casts[i]!(x);
      });
      return out;
    };
  }
  return undefined;
}

/** Java's narrowing of an integer to `bits` (wraps around). */
export function wrapInteger(v: number | bigint, bits: number): number | bigint {
  if (bits === 64) return BigInt.asIntN(64, typeof v === 'bigint' ? v : BigInt(v));
  const n = typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v;
  return bits === 32 ? n | 0 : bits === 16 ? (n << 16) >> 16 : (n << 24) >> 24;
}

/** Scala's `Double.toInt`/`toLong` (saturating, NaN → 0), then Java's narrowing for short and byte. */
function floatToIntegral(v: number, bits: number): number | bigint {
  if (Number.isNaN(v)) return bits === 64 ? 0n : 0;
  if (bits === 64) {
    if (v >= 9223372036854775807) return 9223372036854775807n;
    if (v <= -9223372036854775808) return -9223372036854775808n;
    return BigInt(Math.trunc(v));
  }
  const int = v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : Math.trunc(v);
  return wrapInteger(int, bits);
}

function integralBytes(bits: number): (v: unknown) => Uint8Array {
  return (v) => {
    const out = new Uint8Array(bits / 8);
    let x = BigInt.asUintN(bits, BigInt(v as number | bigint));
    for (let k = out.length - 1; k >= 0; k--) {
      out[k] = Number(x & 0xffn);
      x >>= 8n;
    }
    return out;
  };
}

/** How Spark writes a value of `type` as a string (casts, `concat` of non-strings, nested values). */
export function toText(type: DataType, zone: ZoneRules): (v: unknown) => string {
  switch (type.typeId) {
    case Type.Utf8:
      return (v) => v as string;
    case Type.Binary:
      return (v) => decoder.decode(v as Uint8Array);
    case Type.Bool:
      return (v) => (v ? 'true' : 'false');
    case Type.Float:
      return (type as unknown as { precision: number }).precision === 1 ? (v) => formatFloat(v as number) : (v) => formatDouble(v as number);
    case Type.Timestamp:
      return (v) => formatLocalTimestamp((v as number) + zone.offsetAt(v as number));
    case Type.Date:
      return (v) => formatDate(v as number);
    case Type.Decimal: {
      const text = decimalCast(type, new Utf8())!;
      return (v) => text(v) as string;
    }
    case Type.List: {
      const element = toText(elementType(type), zone);
      return (v) => `[${(v as unknown[]).map((e) => (e === null ? 'null' : element(e))).join(', ')}]`;
    }
    case Type.Map: {
      const { key, value } = mapTypes(type);
      const k = toText(key, zone);
      const x = toText(value, zone);
      return (v) => `{${[...(v as Map<unknown, unknown>)].map(([a, b]) => `${k(a)} -> ${b === null ? 'null' : x(b)}`).join(', ')}}`;
    }
    case Type.Struct: {
      const fields = (type as Struct).children.map((f) => ({ name: f.name, text: toText(f.type, zone) }));
      return (v) => `{${fields.map((f) => {
        const x = (v as Record<string, unknown>)[f.name];
        return x === null || x === undefined ? 'null' : f.text(x);
      }).join(', ')}}`;
    }
  }
  return (v) => String(v);
}
