import {
  Binary, Bool, DataType, DateDay, Decimal, DateMillisecond, Field, Float32, Float64, Int16, Int32, Int64, Int8, LargeBinary, LargeUtf8, List, Null, Schema, Struct,
  TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond, Type, Uint16, Uint32, Uint64, Uint8, Utf8,
} from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';

/** An Arrow field as the state metadata records it (exact types: a timestamp's unit is part of the format). */
export interface FieldJson {
  readonly name: string;
  readonly type: TypeJson;
  readonly nullable: boolean;
}
export type TypeJson = string | { readonly struct: readonly FieldJson[] } | { readonly list: FieldJson };

const SIMPLE: Record<string, () => DataType> = {
  null: () => new Null(), bool: () => new Bool(),
  int8: () => new Int8(), int16: () => new Int16(), int32: () => new Int32(), int64: () => new Int64(),
  uint8: () => new Uint8(), uint16: () => new Uint16(), uint32: () => new Uint32(), uint64: () => new Uint64(),
  float32: () => new Float32(), float64: () => new Float64(),
  utf8: () => new Utf8(), largeutf8: () => new LargeUtf8(), binary: () => new Binary(), largebinary: () => new LargeBinary(),
  'timestamp[s]': () => new TimestampSecond(), 'timestamp[ms]': () => new TimestampMillisecond(),
  'timestamp[us]': () => new TimestampMicrosecond(), 'timestamp[ns]': () => new TimestampNanosecond(),
  'date[day]': () => new DateDay(), 'date[ms]': () => new DateMillisecond(),
};

export function fieldToJson(field: Field): FieldJson {
  return { name: field.name, type: typeToJson(field.type), nullable: field.nullable };
}

export function typeToJson(type: DataType): TypeJson {
  switch (type.typeId) {
    case Type.Struct:
      return { struct: type.children.map(fieldToJson) };
    case Type.List:
      return { list: fieldToJson(type.children[0]!) };
    case Type.Int: {
      const t = type as unknown as { bitWidth: number; isSigned: boolean };
      return `${t.isSigned ? '' : 'u'}int${t.bitWidth}`;
    }
    case Type.Float:
      return (type as unknown as { precision: number }).precision === 1 ? 'float32' : 'float64';
    case Type.Timestamp:
      return `timestamp[${['s', 'ms', 'us', 'ns'][(type as unknown as { unit: number }).unit]}]`;
    case Type.Date:
      return (type as unknown as { unit: number }).unit === 0 ? 'date[day]' : 'date[ms]';
    case Type.Decimal: {
      const t = type as unknown as { precision: number; scale: number; bitWidth: number };
      return `decimal${t.bitWidth}(${t.precision},${t.scale})`;
    }
    default: {
      const name = Type[type.typeId]?.toLowerCase() ?? String(type);
      return name;
    }
  }
}

export function fieldFromJson(json: FieldJson): Field {
  return new Field(json.name, typeFromJson(json.type), json.nullable);
}

export function typeFromJson(json: TypeJson): DataType {
  if (typeof json === 'string') {
    const decimal = /^decimal(\d+)\((\d+),(\d+)\)$/.exec(json);
    if (decimal) return new Decimal(Number(decimal[3]), Number(decimal[2]), Number(decimal[1]));
    const make = SIMPLE[json];
    if (!make) throw new Error(`unknown state type '${json}'`);
    return make();
  }
  if ('struct' in json) return new Struct(json.struct.map(fieldFromJson));
  return new List(fieldFromJson(json.list));
}

export function schemaToJson(schema: Schema): FieldJson[] {
  return schema.fields.map(fieldToJson);
}

export function schemaFromJson(fields: readonly FieldJson[]): Schema {
  return new Schema(fields.map(fieldFromJson));
}

/** `name: type` as a Spark user reads it, for messages. */
export function describeField(field: FieldJson): string {
  return `${field.name}: ${sparkTypeName(typeFromJson(field.type))}`;
}
