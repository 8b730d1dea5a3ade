import protobuf from 'protobufjs';
import type { ProtobufTypeOptions } from './sparkType.ts';

type Convert = (value: unknown) => unknown;

export interface ProtobufValueOptions extends ProtobufTypeOptions {
  /** Unset singular fields as their type's zero value rather than null (Spark's `emit.default.values`). */
  readonly 'emit.default.values'?: boolean;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const UNSIGNED = new Set(['uint32', 'uint64', 'fixed32', 'fixed64']);

/**
 * A decoded message → the row of `sparkTypeOfMessage`'s struct, with Spark's presence rule:
 * repeated and map fields are always there (empty when unset), a singular field is its value when
 * set, its declared default (proto2) when it has one, else null — or its zero value with
 * `emit.default.values`. Longs are exact bigints; Timestamps epoch milliseconds; Durations
 * microseconds; enums their names (numbers with `enums.as.ints`).
 */
export function messageToRow(type: protobuf.Type, options: ProtobufValueOptions = {}, depth = new Map<string, number>()): Convert {
  type.resolveAll();
  const max = options['recursive.fields.max.depth'] ?? -1;
  const level = (depth.get(type.fullName) ?? 0) + 1;
  const inner = new Map(depth).set(type.fullName, level);
  const fields: [protobuf.Field, Convert][] = [];
  for (const field of type.fieldsArray) {
    const target = field.resolvedType;
    if (target instanceof protobuf.Type && !isWellKnown(target) && (inner.get(target.fullName) ?? 0) >= max && inner.has(target.fullName)) continue; // dropped at the depth limit, as in the type
    fields.push([field, valueOf(field, options, inner)]);
  }
  return (message) => {
    if (message == null) return null;
    const m = message as Record<string, unknown>;
    const row: Record<string, unknown> = {};
    for (const [field, convert] of fields) {
      const name = field.name;
      if (field instanceof protobuf.MapField) {
        const entries = (m[name] ?? {}) as Record<string, unknown>;
        row[name] = new Map(Object.entries(entries).map(([k, v]) => [mapKey(k, field.keyType), convert(v)]));
      } else if (field.repeated) {
        row[name] = ((m[name] ?? []) as unknown[]).map(convert);
      } else if (has(m, name) && m[name] != null) {
        row[name] = convert(m[name]);
      } else if (field.resolvedType instanceof protobuf.Type) {
        row[name] = null;
      } else if ((field.options?.['default'] !== undefined) || options['emit.default.values']) {
        row[name] = convert(field.typeDefault);
      } else {
        row[name] = null;
      }
    }
    return row;
  };
}

function valueOf(field: protobuf.Field, options: ProtobufValueOptions, depth: Map<string, number>): Convert {
  const target = field.resolvedType;
  if (target instanceof protobuf.Enum) {
    const names = new Map(Object.entries(target.values).map(([k, v]) => [v, k]));
    return options['enums.as.ints'] ? (v) => (typeof v === 'string' ? target.values[v] : Number(v)) : (v) => (typeof v === 'number' ? (names.get(v) ?? String(v)) : v);
  }
  if (target instanceof protobuf.Type) {
    const full = target.fullName.replace(/^\./, '');
    if (full === 'google.protobuf.Timestamp') return (v) => seconds(v, 'seconds') * 1000 + Math.floor(Number((v as { nanos?: number }).nanos ?? 0) / 1e6);
    if (full === 'google.protobuf.Duration') return (v) => BigInt(seconds(v, 'seconds')) * 1_000_000n + BigInt(Math.trunc(Number((v as { nanos?: number }).nanos ?? 0) / 1000));
    return messageToRow(target, options, depth);
  }
  switch (field.type) {
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return (v) => toBigInt(v, false);
    case 'fixed64':
      return (v) => BigInt.asIntN(64, toBigInt(v, true));
    case 'uint64':
      return options['upcast.unsigned.ints'] ? (v) => toBigInt(v, true).toString() : (v) => BigInt.asIntN(64, toBigInt(v, true));
    case 'uint32':
      return options['upcast.unsigned.ints'] ? (v) => BigInt((v as number) >>> 0) : (v) => (v as number) | 0;
    case 'fixed32':
      return (v) => (v as number) | 0;
    case 'bytes':
      return (v) => new Uint8Array(v as Uint8Array);
    default:
      return (v) => v;
  }
}

const isWellKnown = (t: protobuf.Type) => /^\.?google\.protobuf\.(Timestamp|Duration)$/.test(t.fullName);

function seconds(v: unknown, key: string): number {
  return Number(toBigInt((v as Record<string, unknown>)[key] ?? 0, false));
}

/** protobufjs longs (Long objects, numbers or strings) as bigint. */
function toBigInt(v: unknown, unsigned: boolean): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return BigInt(v);
  const long = v as { low: number; high: number; unsigned?: boolean };
  const value = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return unsigned || long.unsigned ? value : BigInt.asIntN(64, value);
}

function mapKey(key: string, type: string): unknown {
  if (type === 'bool') return key === 'true';
  if (type === 'string') return key;
  if (/64$/.test(type)) return BigInt(key);
  return UNSIGNED.has(type) ? Number(key) >>> 0 : Number(key);
}

/** A row of the Spark struct → a plain object protobufjs encodes as `type` (the inverse of `messageToRow`). */
export function rowToMessage(type: protobuf.Type, options: ProtobufValueOptions = {}): Convert {
  type.resolveAll();
  const fields = type.fieldsArray.map((field) => [field, writerOf(field, options)] as const);
  return (row) => {
    if (row == null) return row;
    const r = row as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [field, write] of fields) {
      const value = r[field.name];
      if (value == null) continue;
      if (field instanceof protobuf.MapField) {
        const entries = value instanceof Map ? [...value] : Object.entries(value as Record<string, unknown>);
        out[field.name] = Object.fromEntries(entries.map(([k, v]) => [String(k), write(v)]));
      } else if (field.repeated) out[field.name] = Array.from(value as Iterable<unknown>, write);
      else out[field.name] = write(value);
    }
    return out;
  };
}

function writerOf(field: protobuf.Field, options: ProtobufValueOptions): Convert {
  const target = field.resolvedType;
  if (target instanceof protobuf.Enum) return (v) => (typeof v === 'string' ? target.values[v] : Number(v));
  if (target instanceof protobuf.Type) {
    const full = target.fullName.replace(/^\./, '');
    if (full === 'google.protobuf.Timestamp') {
      return (v) => {
        const ms = v instanceof Date ? v.getTime() : Number(v);
        const secs = Math.floor(ms / 1000);
        return { seconds: secs, nanos: (ms - secs * 1000) * 1e6 };
      };
    }
    if (full === 'google.protobuf.Duration') {
      return (v) => {
        const micros = BigInt(v as bigint | number);
        return { seconds: String(micros / 1_000_000n), nanos: Number(micros % 1_000_000n) * 1000 };
      };
    }
    return rowToMessage(target, options);
  }
  // 64-bit fields go to protobufjs as decimal strings (exact); unsigned ones from their two's-complement bigint.
  if (field.type === 'uint64' || field.type === 'fixed64') return (v) => BigInt.asUintN(64, BigInt(v as bigint | number | string)).toString();
  if (/64$/.test(field.type)) return (v) => BigInt(v as bigint | number | string).toString();
  return (v) => v;
}
