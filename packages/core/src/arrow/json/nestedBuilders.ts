import { makeData, type Data, type Field, type List, type Map_, type Struct, DataType } from 'apache-arrow';
import { columnBuilder, type ColumnBuilder, type ParseState } from './columnBuilders.ts';
import { Validity } from './validity.ts';
import { JsonNumberText } from './exactJson.ts';

/** Builders of nested columns (list, map, struct); their children are any builder. */

/** Offsets + one child: the shape List and Map share. */
abstract class OffsetsBuilder implements ColumnBuilder {
  length = 0;
  protected offsets: Int32Array;
  protected readonly validity = new Validity();
  constructor(capacity: number) {
    this.offsets = new Int32Array(Math.max(capacity, 16) + 1);
  }
  protected abstract childLength(): number;
  protected abstract appendItems(v: unknown): boolean;
  protected abstract truncateChild(length: number): void;
  abstract finish(): Data;

  append(v: unknown): boolean {
    const start = this.childLength();
    if (!this.appendItems(v)) {
      this.truncateChild(start);
      return false;
    }
    this.push(true);
    return true;
  }
  appendNull(): void {
    this.push(false);
  }
  truncate(length: number): void {
    this.length = length;
    this.truncateChild(this.offsets[length]!);
  }
  private push(valid: boolean): void {
    if (this.length + 1 === this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (valid) this.validity.setValid(this.length);
    else this.validity.setNull(this.length);
    this.offsets[++this.length] = this.childLength();
  }
}

export class ListBuilder extends OffsetsBuilder {
  private readonly child: ColumnBuilder;
  constructor(private readonly type: List, state: ParseState, capacity: number) {
    super(capacity);
    this.child = columnBuilder(type.children[0]!.type, state, capacity);
  }
  protected childLength(): number {
    return this.child.length;
  }
  protected truncateChild(length: number): void {
    this.child.truncate(length);
  }
  protected appendItems(v: unknown): boolean {
    if (!Array.isArray(v)) return false;
    for (const item of v) {
      if (item == null) this.child.appendNull();
      else if (!this.child.append(item)) return false;
    }
    return true;
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, valueOffsets: this.offsets.slice(0, this.length + 1), child: this.child.finish() });
  }
}

export class MapBuilder extends OffsetsBuilder {
  private readonly keys: ColumnBuilder;
  private readonly values: ColumnBuilder;
  private readonly keyOf: (key: string) => unknown;
  constructor(private readonly type: Map_, state: ParseState, capacity: number) {
    super(capacity);
    const entry = type.children[0]!.type as Struct;
    const keyType = entry.children[0]!.type;
    this.keys = columnBuilder(keyType, state, capacity);
    this.values = columnBuilder(entry.children[1]!.type, state, capacity);
    this.keyOf = mapKeyParser(keyType);
  }
  protected childLength(): number {
    return this.keys.length;
  }
  protected truncateChild(length: number): void {
    this.keys.truncate(length);
    this.values.truncate(length);
  }
  protected appendItems(v: unknown): boolean {
    if (!isPlainObject(v)) return false;
    for (const key in v) {
      if (!this.keys.append(this.keyOf(key))) return false;
      const item = v[key];
      if (item == null) this.values.appendNull();
      else if (!this.values.append(item)) return false;
    }
    return true;
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    const length = this.keys.length;
    const entryField = this.type.children[0] as Field<Struct>;
    const entries = makeData({ type: entryField.type, length, nullCount: 0, children: [this.keys.finish(), this.values.finish()] });
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, valueOffsets: this.offsets.slice(0, this.length + 1), child: entries });
  }
}

/** JSON object keys are strings; a map with numeric or boolean keys reads them from that text. */
function mapKeyParser(keyType: DataType): (key: string) => unknown {
  if (DataType.isInt(keyType) || DataType.isFloat(keyType)) {
    return (key) => (key.trim() !== '' && Number.isFinite(Number(key)) ? Number(key) : undefined);
  }
  if (DataType.isBool(keyType)) return (key) => (key === 'true' ? true : key === 'false' ? false : undefined);
  return (key) => key;
}

export class StructBuilder implements ColumnBuilder {
  length = 0;
  private readonly names: string[];
  private readonly children: ColumnBuilder[];
  private readonly validity = new Validity();
  constructor(
    private readonly type: Struct,
    private readonly state: ParseState,
    capacity: number,
  ) {
    this.names = type.children.map((f) => f.name);
    this.children = type.children.map((f) => columnBuilder(f.type, state, capacity));
  }
  append(v: unknown): boolean {
    if (!isPlainObject(v)) return false;
    appendFields(this.children, this.names, v, this.state);
    this.validity.setValid(this.length++);
    return true;
  }
  appendNull(): void {
    for (const child of this.children) child.appendNull();
    this.validity.setNull(this.length++);
  }
  truncate(length: number): void {
    this.length = length;
    for (const child of this.children) child.truncate(length);
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, children: this.children.map((c) => c.finish()) });
  }
}

/**
 * Appends one object's fields to `builders` (one per field name). A field whose value does not
 * fit its type is appended as null and `state.bad` is set: the rest of the object is kept, as
 * Spark's partial results keep it (a builder that refuses a value has appended nothing).
 */
export function appendFields(builders: readonly ColumnBuilder[], names: readonly string[], object: Record<string, unknown>, state: ParseState): void {
  for (let j = 0; j < builders.length; j++) {
    const value = object[names[j]!];
    if (value == null) builders[j]!.appendNull();
    else if (!builders[j]!.append(value)) {
      builders[j]!.appendNull();
      state.bad = true;
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumberText);
}
