import type avro from 'avsc';

type Convert = (value: unknown) => unknown;

interface AvscType {
  readonly typeName: string;
  readonly branchName?: string;
  readonly types?: readonly AvscType[];
  readonly fields?: readonly { readonly name: string; readonly type: AvscType }[];
  readonly itemsType?: AvscType;
  readonly valuesType?: AvscType;
  readonly underlyingType?: AvscType;
}

const isNull = (t: AvscType) => t.typeName === 'null';
const base = (t: AvscType) => t.typeName.replace(/^abstract:/, '');

/**
 * Decoded Avro values (avsc's, unions wrapped) → the row values of the Spark type `sparkTypeOf`
 * gives: unions with null unwrapped, other unions as `{ member0, member1 … }` with the taken
 * branch set, int|long as bigint, float|double as number, maps as `Map`s.
 */
export function avroToRow(type: avro.Type): Convert {
  return compileRead(type as unknown as AvscType);
}

function compileRead(t: AvscType): Convert {
  const name = base(t);
  if (name === 'record' || name === 'error') {
    const fields = t.fields!.map((f) => [f.name, compileRead(f.type)] as const);
    return (v) => {
      if (v == null) return null;
      const out: Record<string, unknown> = {};
      for (const [field, convert] of fields) out[field] = convert((v as Record<string, unknown>)[field]);
      return out;
    };
  }
  if (name === 'array') {
    const item = compileRead(t.itemsType!);
    return (v) => (v == null ? null : (v as unknown[]).map(item));
  }
  if (name === 'map') {
    const value = compileRead(t.valuesType!);
    return (v) => (v == null ? null : new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, value(x)])));
  }
  if (name.startsWith('union')) {
    const branches = t.types!;
    const nonNull = branches.filter((b) => !isNull(b));
    const convert = new Map(branches.map((b) => [b.branchName!, compileRead(b)]));
    const unwrap = (v: unknown): [string, unknown] | null => {
      if (v == null) return null;
      const [branch, inner] = Object.entries(v as Record<string, unknown>)[0]!;
      return [branch, convert.get(branch)!(inner)];
    };
    const kinds = new Set(nonNull.map(base));
    if (nonNull.length === 1 || (nonNull.length === 2 && ((kinds.has('int') && kinds.has('long')) || (kinds.has('float') && kinds.has('double'))))) {
      const widen = kinds.has('long') && kinds.has('int');
      return (v) => {
        const taken = unwrap(v);
        if (!taken) return null;
        return widen && typeof taken[1] === 'number' ? BigInt(taken[1]) : taken[1];
      };
    }
    const members = nonNull.map((b) => b.branchName!);
    return (v) => {
      const taken = unwrap(v);
      if (!taken) return null;
      const out: Record<string, unknown> = {};
      members.forEach((m, i) => (out[`member${i}`] = m === taken[0] ? taken[1] : null));
      return out;
    };
  }
  if (name === 'enum' || name === 'string') return (v) => v ?? null;
  if (name === 'fixed' || name === 'bytes') return (v) => (v == null ? null : new Uint8Array(v as Buffer));
  return (v) => v ?? null;
}

/** Row values of a Spark type → values avsc encodes with `type` (the inverse of `avroToRow`). */
export function rowToAvro(type: avro.Type): Convert {
  return compileWrite(type as unknown as AvscType);
}

function compileWrite(t: AvscType): Convert {
  const name = base(t);
  if (name === 'record' || name === 'error') {
    const fields = t.fields!.map((f) => [f.name, compileWrite(f.type)] as const);
    return (v) => {
      if (v == null) return v;
      const row = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [field, convert] of fields) out[field] = convert(row[field] ?? null);
      return out;
    };
  }
  if (name === 'array') {
    const item = compileWrite(t.itemsType!);
    return (v) => (v == null ? v : Array.from(v as Iterable<unknown>, item));
  }
  if (name === 'map') {
    const value = compileWrite(t.valuesType!);
    return (v) => {
      if (v == null) return v;
      const entries = v instanceof Map ? [...v] : Object.entries(v as Record<string, unknown>);
      return Object.fromEntries(entries.map(([k, x]) => [String(k), value(x)]));
    };
  }
  if (name.startsWith('union')) {
    const branches = t.types!;
    const nonNull = branches.filter((b) => !isNull(b));
    const hasNull = nonNull.length < branches.length;
    const writers = nonNull.map((b) => [b.branchName!, compileWrite(b), b] as const);
    const kinds = new Set(nonNull.map(base));
    if (nonNull.length === 1 || (nonNull.length === 2 && ((kinds.has('int') && kinds.has('long')) || (kinds.has('float') && kinds.has('double'))))) {
      // int|long and float|double hold one Spark value: the wider branch writes it.
      const [branch, write] = writers.find(([, , b]) => base(b) === 'long' || base(b) === 'double') ?? writers[0]!;
      return (v) => (v == null ? (hasNull ? null : v) : { [branch]: write(base(nonNull.find((b) => b.branchName === branch)!) === 'long' ? BigInt(v as number | bigint) : v) });
    }
    return (v) => {
      if (v == null) return hasNull ? null : v;
      const members = v as Record<string, unknown>;
      const index = writers.findIndex((_, i) => members[`member${i}`] != null);
      if (index < 0) return hasNull ? null : v;
      const [branch, write] = writers[index]!;
      return { [branch]: write(members[`member${index}`]) };
    };
  }
  if (name === 'long') return (v) => (v == null ? v : typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))));
  if (name === 'int') return (v) => (v == null ? v : Number(v));
  if (name === 'fixed' || name === 'bytes') return (v) => (v == null ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v as Uint8Array));
  return (v) => v;
}
