/**
 * Delta's schema serialization (PROTOCOL.md, "Schema Serialization Format": Spark's JSON schema)
 * ⇄ Arrow schemas in Sluice's types. Timestamps become Timestamp(ms) like everything Sluice reads;
 * `void` columns are dropped on read as the protocol recommends.
 */
import {
  Binary, Bool, DataType, DateDay, Decimal, Field, Float32, Float64, Int16, Int32, Int64, Int8, List, Map_, Schema, Struct,
  TimestampMillisecond, Type, Utf8,
} from 'apache-arrow';
import { SluiceError, type JsonValue } from '@sluice/core';

export type DeltaType = string | DeltaStructType | DeltaArrayType | DeltaMapType;

export interface DeltaStructField {
  readonly name: string;
  readonly type: DeltaType;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, JsonValue>>;
}

export interface DeltaStructType {
  readonly type: 'struct';
  readonly fields: readonly DeltaStructField[];
}

export interface DeltaArrayType {
  readonly type: 'array';
  readonly elementType: DeltaType;
  readonly containsNull: boolean;
}

export interface DeltaMapType {
  readonly type: 'map';
  readonly keyType: DeltaType;
  readonly valueType: DeltaType;
  readonly valueContainsNull: boolean;
}

const PHYSICAL_NAME = 'delta.columnMapping.physicalName';
const COLUMN_ID = 'delta.columnMapping.id';

/** The table schema from a `metaData.schemaString`. */
export function parseSchemaString(schemaString: string): DeltaStructType {
  let value: unknown;
  try {
    value = JSON.parse(schemaString);
  } catch (e) {
    throw new SluiceError('FILE_CORRUPT', `The Delta table's schemaString is not valid JSON (${(e as Error).message}).`);
  }
  if (typeof value !== 'object' || value === null || (value as DeltaStructType).type !== 'struct' || !Array.isArray((value as DeltaStructType).fields)) {
    throw new SluiceError('FILE_CORRUPT', "The Delta table's schemaString is not a struct schema.");
  }
  return value as DeltaStructType;
}

/** How columns are named inside the data files (column mapping, PROTOCOL.md "Column Mapping"). */
export type ColumnNaming = 'logical' | 'physical';

/** An Arrow schema for a Delta struct; `physical` names fields as the Parquet files do under column mapping. */
export function deltaToArrowSchema(struct: DeltaStructType, naming: ColumnNaming = 'logical'): Schema {
  return new Schema(struct.fields.flatMap((f) => toArrowField(f, naming)));
}

function toArrowField(field: DeltaStructField, naming: ColumnNaming): Field[] {
  if (field.type === 'void') return [];
  const name = naming === 'physical' ? physicalName(field) : field.name;
  const metadata = new Map<string, string>();
  const id = field.metadata[COLUMN_ID];
  // parquet-rs names field ids this way; column mapping in id mode matches on it.
  if (naming === 'physical' && typeof id === 'number') metadata.set('PARQUET:field_id', String(id));
  return [new Field(name, toArrowType(field.type, naming), field.nullable, metadata)];
}

/** A column's name inside the data files: its physical name under column mapping, else its name. */
export function physicalName(field: DeltaStructField): string {
  const physical = field.metadata[PHYSICAL_NAME];
  return typeof physical === 'string' && physical !== '' ? physical : field.name;
}

const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;

function toArrowType(type: DeltaType, naming: ColumnNaming): DataType {
  if (typeof type === 'string') {
    switch (type) {
      case 'string': return new Utf8();
      case 'long': return new Int64();
      case 'integer': return new Int32();
      case 'short': return new Int16();
      case 'byte': return new Int8();
      case 'float': return new Float32();
      case 'double': return new Float64();
      case 'boolean': return new Bool();
      case 'binary': return new Binary();
      case 'date': return new DateDay();
      case 'timestamp':
      case 'timestamp_ntz': return new TimestampMillisecond();
      case 'decimal': return new Decimal(0, 10, 128);
      default: {
        const m = DECIMAL.exec(type);
        if (m) return new Decimal(Number(m[2]), Number(m[1]), 128);
        throw new SluiceError('DELTA_UNSUPPORTED_FEATURE', `The Delta table has a column of type '${type}', which Sluice cannot read.`, { details: { feature: type } });
      }
    }
  }
  switch (type.type) {
    case 'struct':
      return new Struct(type.fields.flatMap((f) => toArrowField(f, naming)));
    case 'array':
      return new List(new Field('element', toArrowType(type.elementType, naming), type.containsNull));
    case 'map':
      return new Map_(new Field('entries', new Struct([
        new Field('key', toArrowType(type.keyType, naming), false),
        new Field('value', toArrowType(type.valueType, naming), type.valueContainsNull),
      ]), false) as never);
  }
}

/** Delta's JSON schema for an Arrow schema (what a table created from a batch records). */
export function arrowToDeltaSchema(schema: Schema, nullable?: boolean): DeltaStructType {
  return { type: 'struct', fields: schema.fields.map((f) => toDeltaField(f, nullable)) };
}

function toDeltaField(field: Field, nullable: boolean | undefined): DeltaStructField {
  return { name: field.name, type: toDeltaType(field.type, field.name, nullable), nullable: nullable ?? field.nullable, metadata: {} };
}

/** Delta's name for an Arrow type; a type Delta cannot store is `INVALID_SCHEMA` naming the column. */
export function toDeltaType(type: DataType, column: string, nullable?: boolean): DeltaType {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Binary:
    case Type.LargeBinary:
      return 'binary';
    case Type.Bool:
      return 'boolean';
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      // Unsigned values fit in the next wider signed type; uint64 fits nowhere.
      const width = isSigned ? bitWidth : bitWidth * 2;
      if (width <= 8) return 'byte';
      if (width <= 16) return 'short';
      if (width <= 32) return 'integer';
      if (width <= 64 && isSigned) return 'long';
      break;
    }
    case Type.Float:
      return (type as Float32 | Float64).precision === 2 ? 'double' : 'float';
    case Type.Date:
      return 'date';
    case Type.Timestamp:
      return 'timestamp';
    case Type.Decimal:
      return `decimal(${(type as Decimal).precision},${(type as Decimal).scale})`;
    case Type.Dictionary:
      return toDeltaType((type as unknown as { dictionary: DataType }).dictionary, column, nullable);
    case Type.List:
      return { type: 'array', elementType: toDeltaType(type.children[0]!.type, column, nullable), containsNull: nullable ?? type.children[0]!.nullable };
    case Type.Map: {
      const entry = type.children[0]!.type as Struct;
      return {
        type: 'map',
        keyType: toDeltaType(entry.children[0]!.type, column, nullable),
        valueType: toDeltaType(entry.children[1]!.type, column, nullable),
        valueContainsNull: nullable ?? entry.children[1]!.nullable,
      };
    }
    case Type.Struct:
      return { type: 'struct', fields: (type as Struct).children.map((f) => toDeltaField(f, nullable)) };
  }
  const reason = type.typeId === Type.Null ? 'a column of only nulls has no type (Delta rejects NullType columns); cast it, e.g. lit(null).cast(…)' : `Delta has no type for ${String(type)}`;
  throw new SluiceError('INVALID_SCHEMA', `Column '${column}' cannot be written to Delta: ${reason}.`, { details: { column, type: String(type) } });
}

/** The canonical text of a Delta type, for comparing types and showing them. */
export function deltaTypeName(type: DeltaType): string {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct': return `struct<${type.fields.map((f) => `${f.name}:${deltaTypeName(f.type)}`).join(',')}>`;
    case 'array': return `array<${deltaTypeName(type.elementType)}>`;
    case 'map': return `map<${deltaTypeName(type.keyType)},${deltaTypeName(type.valueType)}>`;
  }
}
