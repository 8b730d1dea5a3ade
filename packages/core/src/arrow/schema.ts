import {
  Binary, Bool, DataType, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, List, Map_, Schema, Struct,
  TimestampMillisecond, Utf8,
} from 'apache-arrow';
import { SluiceError } from '../errors.ts';
import { decimalArrowType, decimalSpec, decimalTypeName, DEFAULT_DECIMAL } from '../decimal/decimalType.ts';

/** What a user may pass where a schema is expected: an Arrow schema, Spark DDL, or `{ name: 'type' }`. */
export type SchemaLike = Schema | string | Readonly<Record<string, string | DataType>>;

/**
 * An Arrow schema from Spark's DDL (`"user_id LONG, event_type STRING, tags ARRAY<STRING>"`),
 * a `{ column: 'type' }` record, or an Arrow `Schema` as is. Spark's type names map to Arrow:
 * STRING→Utf8, INT→Int32, LONG/BIGINT→Int64, DOUBLE→Float64, BOOLEAN→Bool, BINARY→Binary,
 * TIMESTAMP→Timestamp(ms), DATE→Date(day), DECIMAL(p,s)→Decimal128 (also `DECIMAL(p)` = scale 0,
 * bare `DECIMAL` = DECIMAL(10,0), and the aliases `DEC`, `NUMERIC`), ARRAY<T>→List, MAP<K,V>→Map,
 * STRUCT<…>→Struct.
 *
 * @example toSchema('user_id LONG, event_type STRING NOT NULL, amount DECIMAL(12,2)')
 */
export function toSchema(input: SchemaLike): Schema {
  if (input instanceof Schema) return input;
  if (typeof input === 'string') return new Schema(new DdlParser(input).fields(true));
  return new Schema(
    Object.entries(input).map(([name, type]) => new Field(name, typeof type === 'string' ? new DdlParser(type).type() : type, true)),
  );
}

/** A DataType from one Spark type name (`'long'`, `'array<string>'`). */
export function toDataType(typeName: string): DataType {
  return new DdlParser(typeName).type();
}

/** Spark's name for an Arrow type, for messages and `explain()`. */
export function sparkTypeName(type: DataType): string {
  if (type instanceof Utf8) return 'string';
  if (type instanceof Int64) return 'bigint';
  if (type instanceof Int32) return 'int';
  if (type instanceof Int16) return 'smallint';
  if (type instanceof Int8) return 'tinyint';
  if (type instanceof Float64) return 'double';
  if (type instanceof Float32) return 'float';
  if (type instanceof Bool) return 'boolean';
  if (type instanceof Binary) return 'binary';
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isDecimal(type)) return decimalTypeName(type);
  if (DataType.isList(type)) return `array<${sparkTypeName(type.children[0]!.type)}>`;
  if (DataType.isMap(type)) {
    const entry = type.children[0]!.type as Struct;
    return `map<${sparkTypeName(entry.children[0]!.type)},${sparkTypeName(entry.children[1]!.type)}>`;
  }
  if (DataType.isStruct(type)) return `struct<${type.children.map((f) => `${f.name}:${sparkTypeName(f.type)}`).join(',')}>`;
  return String(type).toLowerCase();
}

const SIMPLE: Record<string, () => DataType> = {
  string: () => new Utf8(), varchar: () => new Utf8(), char: () => new Utf8(),
  int: () => new Int32(), integer: () => new Int32(),
  long: () => new Int64(), bigint: () => new Int64(),
  short: () => new Int16(), smallint: () => new Int16(),
  byte: () => new Int8(), tinyint: () => new Int8(),
  double: () => new Float64(), float: () => new Float32(), real: () => new Float32(),
  boolean: () => new Bool(), bool: () => new Bool(),
  binary: () => new Binary(),
  timestamp: () => new TimestampMillisecond(), timestamp_ltz: () => new TimestampMillisecond(), timestamp_ntz: () => new TimestampMillisecond(),
  date: () => new DateDay(),
};

class DdlParser {
  private position = 0;
  constructor(private readonly text: string) {}

  fields(topLevel: boolean): Field[] {
    const fields: Field[] = [];
    this.skipSpace();
    if (topLevel && this.position >= this.text.length) return fields;
    for (;;) {
      const name = this.identifier();
      this.skipSpace();
      if (!topLevel || this.peek() === ':') this.accept(':');
      const type = this.type();
      let nullable = true;
      if (/^\s*not\s+null/i.test(this.rest())) {
        this.position += /^\s*not\s+null/i.exec(this.rest())![0].length;
        nullable = false;
      }
      fields.push(new Field(name, type, nullable));
      this.skipSpace();
      if (this.peek() !== ',') break;
      this.position++;
    }
    if (topLevel) {
      this.skipSpace();
      if (this.position < this.text.length) this.fail(`unexpected '${this.rest()}'`);
    }
    return fields;
  }

  type(): DataType {
    this.skipSpace();
    const word = /^[a-z_]+/i.exec(this.rest())?.[0];
    if (!word) this.fail('expected a type name');
    this.position += word.length;
    const name = word.toLowerCase();
    if (name === 'array') {
      this.expect('<');
      const element = this.type();
      this.expect('>');
      return new List(new Field('element', element, true));
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      return new Map_(new Field('entries', new Struct([new Field('key', key, false), new Field('value', value, true)]), false) as never);
    }
    if (name === 'struct') {
      this.expect('<');
      const fields = this.peekAfterSpace() === '>' ? [] : this.fields(false);
      this.expect('>');
      return new Struct(fields);
    }
    if (name === 'decimal' || name === 'numeric' || name === 'dec') return this.decimal();
    const make = SIMPLE[name];
    if (!make) this.fail(`unknown type '${word}' (known: ${Object.keys(SIMPLE).join(', ')}, decimal(p,s), array<…>, map<…,…>, struct<…>)`);
    // Spark accepts varchar(n)/char(n); the length is not enforced.
    if ((name === 'varchar' || name === 'char') && /^\s*\(\s*\d+\s*\)/.test(this.rest())) this.position += /^\s*\(\s*\d+\s*\)/.exec(this.rest())![0].length;
    return make();
  }

  /** After DECIMAL: `(p, s)`, `(p)` (scale 0) or nothing (DECIMAL(10,0)), as Spark's parser. */
  private decimal(): DataType {
    const args = /^\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(this.rest());
    if (!args) {
      if (/^\s*\(/.test(this.rest())) this.fail('expected DECIMAL(precision, scale) with whole numbers, e.g. DECIMAL(10,2)');
      return decimalArrowType(DEFAULT_DECIMAL);
    }
    const precision = Number(args[1]);
    const scale = args[2] === undefined ? 0 : Number(args[2]);
    if (precision < 1 || precision > 38 || scale > precision) {
      this.fail(`DECIMAL(${precision},${scale}) is out of range: precision must be 1 to 38 and scale 0 to the precision`);
    }
    this.position += args[0].length;
    return decimalArrowType(decimalSpec(precision, scale));
  }

  private identifier(): string {
    this.skipSpace();
    if (this.peek() === '`') {
      const end = this.text.indexOf('`', this.position + 1);
      if (end < 0) this.fail('unclosed backtick');
      const name = this.text.slice(this.position + 1, end);
      this.position = end + 1;
      return name;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.rest())?.[0];
    if (!name) this.fail('expected a column name');
    this.position += name.length;
    return name;
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.position++;
  }

  private accept(ch: string): void {
    this.skipSpace();
    if (this.peek() === ch) this.position++;
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  private peekAfterSpace(): string | undefined {
    this.skipSpace();
    return this.peek();
  }

  private rest(): string {
    return this.text.slice(this.position);
  }

  private skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position]!)) this.position++;
  }

  private fail(reason: string): never {
    throw new SluiceError('INVALID_SCHEMA', `Cannot parse schema "${this.text}" at position ${this.position}: ${reason}.`);
  }
}
