import protobuf from 'protobufjs';
import { SluiceError } from '@sluice/core';

/** Spark's protobuf options that change the type (`from_protobuf(…, options)`). */
export interface ProtobufTypeOptions {
  /** Enums as their numbers rather than names. */
  readonly 'enums.as.ints'?: boolean;
  /** uint32 as bigint and uint64 as decimal(20,0), so large values stay positive. */
  readonly 'upcast.unsigned.ints'?: boolean;
  /** How deep a recursive message is unrolled (1–10); by default recursion is refused, as in Spark. */
  readonly 'recursive.fields.max.depth'?: number;
}

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64']);

/**
 * Spark's protobuf `SchemaConverters.toSqlType` as a DDL struct: int32 kinds → int (uint32 too,
 * or bigint with upcast), int64 kinds → bigint (uint64 too, or decimal(20,0)), float, double,
 * bool → boolean, string, bytes → binary, enum → string (int with enums.as.ints),
 * google.protobuf.Timestamp → timestamp, Duration → bigint (microseconds: Sluice has no interval
 * type), map fields → map, repeated → array, other messages → struct (recursive ones refused
 * unless `recursive.fields.max.depth` unrolls them; a message left without fields is dropped).
 *
 * @example
 * sparkTypeOfMessage(loadMessageType('Order', { protoFile: 'order.proto' })); // 'struct<id: bigint, …>'
 */
export function sparkTypeOfMessage(type: protobuf.Type, options: ProtobufTypeOptions = {}): string {
  const depth = options['recursive.fields.max.depth'] ?? -1;
  const fields = messageFields(type, new Map([[type.fullName, 1]]), options, depth);
  return `struct<${fields.join(',')}>`;
}

function messageFields(type: protobuf.Type, seen: Map<string, number>, options: ProtobufTypeOptions, maxDepth: number): string[] {
  type.resolveAll();
  const out: string[] = [];
  for (const field of type.fieldsArray) {
    const ddl = fieldType(field, seen, options, maxDepth);
    if (ddl !== null) out.push(`${quote(field.name)}:${ddl}`);
  }
  return out;
}

function fieldType(field: protobuf.Field, seen: Map<string, number>, options: ProtobufTypeOptions, maxDepth: number): string | null {
  if (field instanceof protobuf.MapField) {
    const key = scalar(field.keyType, options);
    const value = valueType(field, field.resolvedType, field.type, seen, options, maxDepth);
    return value === null ? null : `map<${key},${value}>`;
  }
  const element = valueType(field, field.resolvedType, field.type, seen, options, maxDepth);
  if (element === null) return null;
  return field.repeated ? `array<${element}>` : element;
}

function valueType(field: protobuf.Field, resolved: protobuf.Type | protobuf.Enum | null, typeName: string, seen: Map<string, number>, options: ProtobufTypeOptions, maxDepth: number): string | null {
  if (resolved instanceof protobuf.Enum) return options['enums.as.ints'] ? 'int' : 'string';
  if (!(resolved instanceof protobuf.Type)) return scalar(typeName, options);
  const full = resolved.fullName.replace(/^\./, '');
  if (full === 'google.protobuf.Timestamp') return 'timestamp';
  if (full === 'google.protobuf.Duration') return 'bigint';
  const depth = seen.get(resolved.fullName) ?? 0;
  if (depth > 0 && (maxDepth <= 0 || maxDepth > 10)) {
    throw new SluiceError('INVALID_SCHEMA', `Found recursive reference in Protobuf schema, which can not be processed by Spark by default: ${field.fullName}. Try setting the option 'recursive.fields.max.depth' 1 to 10. Going beyond 10 levels of recursion is not allowed.`);
  }
  if (depth > 0 && depth >= maxDepth) return null;
  const fields = messageFields(resolved, new Map(seen).set(resolved.fullName, depth + 1), options, maxDepth);
  return fields.length === 0 ? null : `struct<${fields.join(',')}>`;
}

function scalar(type: string, options: ProtobufTypeOptions): string {
  // Spark upcasts uint32/uint64 only (fixed32/fixed64 stay int/bigint).
  if (INT32.has(type) || type === 'fixed32') return 'int';
  if (type === 'uint32') return options['upcast.unsigned.ints'] ? 'bigint' : 'int';
  if (INT64.has(type) || type === 'fixed64') return 'bigint';
  if (type === 'uint64') return options['upcast.unsigned.ints'] ? 'decimal(20,0)' : 'bigint';
  switch (type) {
    case 'float':
      return 'float';
    case 'double':
      return 'double';
    case 'bool':
      return 'boolean';
    case 'string':
      return 'string';
    case 'bytes':
      return 'binary';
  }
  throw new SluiceError('INVALID_SCHEMA', `Protobuf type '${type}' is not supported.`);
}

const quote = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name}\``);
