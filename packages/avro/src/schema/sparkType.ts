import { SluiceError } from '@sluice/core';
import type { AvroSchema } from './avroTypes.ts';

/** A Spark SQL type read off an Avro schema, as a DDL string, and whether it may be null. */
export interface SparkType {
  readonly ddl: string;
  readonly nullable: boolean;
}

type Json = string | { readonly type: Json; readonly [k: string]: unknown } | readonly Json[];

/**
 * Spark's `SchemaConverters.toSqlType`: int → int (date → date), long → bigint (timestamp-millis
 * and -micros → timestamp, local-timestamp-* → timestamp_ntz), float, double, boolean, string,
 * enum → string, bytes and fixed → binary (decimal → decimal(p,s)), record → struct, array →
 * array, map → map<string,…>, null → void; a union with null is its other branch made nullable;
 * int|long → bigint, float|double → double; any other union → struct<member0, member1, …>.
 * Recursive records are refused, as Spark refuses them by default.
 *
 * @example
 * sparkTypeOf({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'long' }] }); // struct<id: bigint>
 */
export function sparkTypeOf(schema: AvroSchema): SparkType {
  const json = (typeof schema === 'string' ? JSON.parse(schema) : schema) as Json;
  return convert(json, new Map(), '');
}

function convert(schema: Json, named: Map<string, Json>, namespace: string): SparkType {
  if (Array.isArray(schema)) return union(schema, named, namespace);
  if (typeof schema === 'string') {
    const known = named.get(schema) ?? named.get(namespace ? `${namespace}.${schema}` : schema);
    if (known) return convert(known, named, namespace);
    return primitive(schema, undefined);
  }
  const s = schema as { type: Json; logicalType?: string; precision?: number; scale?: number; name?: string; namespace?: string; fields?: { name: string; type: Json }[]; items?: Json; values?: Json };
  const type = s.type;
  if (typeof type !== 'string') return convert(type, named, namespace);
  switch (type) {
    case 'record':
    case 'error': {
      const space = s.namespace ?? (s.name?.includes('.') ? s.name.slice(0, s.name.lastIndexOf('.')) : namespace);
      const full = s.name?.includes('.') ? s.name : space ? `${space}.${s.name}` : s.name!;
      if (named.has(full) || named.has(s.name!)) {
        throw new SluiceError('INVALID_SCHEMA', `The Avro schema refers to record '${full}' inside itself; Spark cannot read recursive Avro records.`, { details: { record: full } });
      }
      const inner = new Map(named).set(full, schema).set(s.name!, schema);
      const fields = (s.fields ?? []).map((f) => {
        const t = convert(f.type, inner, space);
        return `${quote(f.name)}:${t.ddl}`;
      });
      // A record's own name resolves afterwards too (a later field may name it).
      named.set(full, schema);
      return { ddl: `struct<${fields.join(',')}>`, nullable: false };
    }
    case 'enum':
    case 'fixed':
      if (s.name) named.set(s.namespace ? `${s.namespace}.${s.name}` : namespace ? `${namespace}.${s.name}` : s.name, schema).set(s.name, schema);
      if (type === 'enum') return { ddl: 'string', nullable: false };
      return s.logicalType === 'decimal' ? { ddl: `decimal(${s.precision},${s.scale ?? 0})`, nullable: false } : { ddl: 'binary', nullable: false };
    case 'array': {
      const items = convert(s.items!, named, namespace);
      return { ddl: `array<${items.ddl}>`, nullable: false };
    }
    case 'map': {
      const values = convert(s.values!, named, namespace);
      return { ddl: `map<string,${values.ddl}>`, nullable: false };
    }
    default:
      return primitive(type, s);
  }
}

function primitive(type: string, s: { logicalType?: string; precision?: number; scale?: number } | undefined): SparkType {
  const logical = s?.logicalType;
  switch (type) {
    case 'null':
      return { ddl: NULL_TYPE, nullable: true };
    case 'boolean':
      return { ddl: 'boolean', nullable: false };
    case 'int':
      return { ddl: logical === 'date' ? 'date' : 'int', nullable: false };
    case 'long':
      if (logical === 'timestamp-millis' || logical === 'timestamp-micros') return { ddl: 'timestamp', nullable: false };
      if (logical === 'local-timestamp-millis' || logical === 'local-timestamp-micros') return { ddl: 'timestamp_ntz', nullable: false };
      return { ddl: 'bigint', nullable: false };
    case 'float':
      return { ddl: 'float', nullable: false };
    case 'double':
      return { ddl: 'double', nullable: false };
    case 'bytes':
      return logical === 'decimal' ? { ddl: `decimal(${s!.precision},${s!.scale ?? 0})`, nullable: false } : { ddl: 'binary', nullable: false };
    case 'string':
      return { ddl: 'string', nullable: false };
    default:
      throw new SluiceError('INVALID_SCHEMA', `The Avro schema names a type '${type}' that is neither a primitive nor defined earlier in the schema.`, { details: { type } });
  }
}

function union(branches: readonly Json[], named: Map<string, Json>, namespace: string): SparkType {
  const nonNull = branches.filter((b) => b !== 'null' && !(typeof b === 'object' && !Array.isArray(b) && (b as { type: Json }).type === 'null'));
  if (nonNull.length < branches.length) {
    if (nonNull.length === 0) return { ddl: NULL_TYPE, nullable: true };
    const inner = nonNull.length === 1 ? convert(nonNull[0]!, named, namespace) : union(nonNull, named, namespace);
    return { ddl: inner.ddl, nullable: true };
  }
  if (nonNull.length === 1) return convert(nonNull[0]!, named, namespace);
  const kinds = nonNull.map(primitiveName);
  if (kinds.length === 2 && kinds.includes('int') && kinds.includes('long')) return { ddl: 'bigint', nullable: false };
  if (kinds.length === 2 && kinds.includes('float') && kinds.includes('double')) return { ddl: 'double', nullable: false };
  return { ddl: `struct<${nonNull.map((b, i) => `member${i}:${convert(b, named, namespace).ddl}`).join(',')}>`, nullable: false };
}

/** The bare primitive name of a branch without a logical type (`int`, `{"type":"int"}`), else undefined. */
export function primitiveName(branch: Json): string | undefined {
  if (typeof branch === 'string') return branch;
  if (!Array.isArray(branch) && typeof (branch as { type: Json }).type === 'string' && !(branch as { logicalType?: string }).logicalType) return (branch as { type: string }).type;
  return undefined;
}

const quote = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``);

/**
 * Avro's `null` type: Spark's NullType has no DDL spelling in Sluice's schema strings, so an
 * always-null string column stands for it (see conformance/README.md).
 */
const NULL_TYPE = 'string';
