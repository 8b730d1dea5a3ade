import { DataType, Type } from 'apache-arrow';
import { isInt64, isNumeric } from './typeChecks.ts';
import { decimalCast } from '../decimal/decimalExpressions.ts';

const encoder = new TextEncoder();

/**
 * Spark's cast between value types, one value at a time: null for what does not convert (a
 * non-numeric string to int), undefined when the cast itself is not allowed.
 */
export function castFunction(from: DataType, to: DataType): ((v: unknown) => unknown) | undefined {
  if (DataType.isDecimal(from) || DataType.isDecimal(to)) return decimalCast(from, to);
  if (to.typeId === Type.Utf8) {
    if (DataType.isTimestamp(from)) return (v) => new Date(Number(v)).toISOString().replace('T', ' ').replace('Z', '');
    return (v) => String(v);
  }
  if (to.typeId === Type.Binary && from.typeId === Type.Utf8) return (v) => encoder.encode(String(v));
  if (to.typeId === Type.Int) {
    const wide = isInt64(to);
    if (DataType.isTimestamp(from)) return (v) => (wide ? BigInt(Math.floor(Number(v) / 1000)) : Math.floor(Number(v) / 1000));
    if (isNumeric(from) || from.typeId === Type.Utf8 || from.typeId === Type.Bool) {
      return (v) => {
        const n = typeof v === 'string' ? Number(v.trim()) : Number(v);
        if (!Number.isFinite(n) || (typeof v === 'string' && v.trim() === '')) return null;
        return wide ? (typeof v === 'bigint' ? v : BigInt(Math.trunc(n))) : Math.trunc(n) | 0;
      };
    }
  }
  if (to.typeId === Type.Float && (isNumeric(from) || from.typeId === Type.Utf8)) {
    return (v) => {
      const n = Number(typeof v === 'string' ? v.trim() : v);
      return Number.isNaN(n) && !(typeof v === 'string' && /^nan$/i.test(v.trim())) ? null : n;
    };
  }
  if (to.typeId === Type.Bool) {
    if (from.typeId === Type.Utf8) return (v) => ({ true: true, t: true, yes: true, y: true, '1': true, false: false, f: false, no: false, n: false, '0': false } as Record<string, boolean>)[String(v).trim().toLowerCase()] ?? null;
    if (isNumeric(from)) return (v) => Number(v) !== 0;
  }
  if (DataType.isTimestamp(to)) {
    if (from.typeId === Type.Utf8) return (v) => { const ms = Date.parse(String(v)); return Number.isNaN(ms) ? null : ms; };
    if (isNumeric(from)) return (v) => Number(v) * 1000; // Spark: numbers are seconds since the epoch
    if (DataType.isDate(from)) return (v) => Number(v);
  }
  if (DataType.isDate(to) && (DataType.isTimestamp(from) || from.typeId === Type.Utf8)) {
    return (v) => {
      const ms = typeof v === 'string' ? Date.parse(v) : Number(v);
      return Number.isNaN(ms) ? null : Math.floor(ms / 86_400_000) * 86_400_000;
    };
  }
  if (from.typeId === to.typeId) return (v) => v;
  return undefined;
}
