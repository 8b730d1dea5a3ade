import { DataType, type Field, type Struct } from 'apache-arrow';
import { SluiceError, sparkTypeName, toDataType } from '@sluice/core';

/**
 * Spark's `SchemaConverters.toAvroType`: the Avro schema `to_avro` writes a value of a Spark type
 * with — boolean, int (also byte, short), long, float, double, string, binary → bytes, date →
 * int/date, timestamp → long/timestamp-micros,
 * decimal → fixed/decimal, array, map (string keys), struct → a record named `topLevelRecord`
 * (nested records named after their field, namespaced by their parents); a nullable value is a
 * union with null.
 *
 * @example avroSchemaOf('struct<id:bigint,name:string>') // {"type":"record","name":"topLevelRecord","fields":[…]}
 */
export function avroSchemaOf(type: DataType | string, nullable = false, recordName = 'topLevelRecord', namespace = ''): object | string | unknown[] {
  const t = typeof type === 'string' ? toDataType(type) : type;
  const schema = convert(t, recordName, namespace);
  return nullable && t.typeId !== 0 ? [schema, 'null'] : schema;
}

function convert(t: DataType, recordName: string, namespace: string): object | string {
  const name = sparkTypeName(t);
  if (DataType.isBool(t)) return 'boolean';
  if (DataType.isInt(t)) return t.bitWidth === 64 ? 'long' : 'int';
  if (DataType.isFloat(t)) return name === 'float' ? 'float' : 'double';
  if (DataType.isUtf8(t)) return 'string';
  if (DataType.isBinary(t)) return 'bytes';
  if (DataType.isDate(t)) return { type: 'int', logicalType: 'date' };
  // Sluice has one timestamp type (Spark's TimestampType); timestamp_ntz is read as it too.
  if (DataType.isTimestamp(t)) return { type: 'long', logicalType: 'timestamp-micros' };
  if (DataType.isDecimal(t)) {
    const { precision, scale } = t as unknown as { precision: number; scale: number };
    const fixedName = namespace === '' ? `${recordName}.fixed` : `${namespace}.${recordName}.fixed`;
    return { type: 'fixed', name: fixedName, size: minBytesForPrecision(precision), logicalType: 'decimal', precision, scale };
  }
  if (DataType.isList(t)) {
    const item = t.children[0]!;
    return { type: 'array', items: avroSchemaOf(item.type, item.nullable, recordName, namespace) };
  }
  if (DataType.isMap(t)) {
    const [key, value] = (t.children[0]!.type as Struct).children as [Field, Field];
    if (!DataType.isUtf8(key.type)) throw new SluiceError('INVALID_SCHEMA', `Avro maps have string keys; a ${name} cannot be written as Avro.`);
    return { type: 'map', values: avroSchemaOf(value.type, value.nullable, recordName, namespace) };
  }
  if (DataType.isStruct(t)) {
    const childNamespace = namespace !== '' ? `${namespace}.${recordName}` : recordName;
    return {
      type: 'record',
      name: recordName,
      ...(namespace === '' ? {} : { namespace }),
      fields: t.children.map((f) => ({ name: f.name, type: avroSchemaOf(f.type, f.nullable, f.name, childNamespace) })),
    };
  }
  throw new SluiceError('INVALID_SCHEMA', `A ${name} value cannot be written as Avro.`);
}

/** Spark's `Decimal.minBytesForPrecision`: the bytes a two's-complement integer of `precision` digits needs. */
function minBytesForPrecision(precision: number): number {
  let bytes = 1;
  while (2 ** (8 * bytes - 1) < 10 ** precision) bytes++;
  return bytes;
}
