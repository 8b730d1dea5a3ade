import {
  Binary, Bool, DateDay, DateMillisecond, Decimal, Dictionary, Field, FixedSizeBinary, FixedSizeList, Float16, Float32, Float64,
  Int16, Int32, Int64, Int8, LargeBinary, LargeUtf8, List, Map_, Null, RecordBatch, Schema, Struct, Table, TimeMicrosecond,
  TimeMillisecond, TimeNanosecond, TimeSecond, TimeUnit, Timestamp, Uint16, Uint32, Uint64, Uint8, Utf8, makeData, makeVector,
  type Data, type DataType,
} from 'apache-arrow';

/** A field as cData.js describes it (the Arrow C Data Interface's ArrowSchema, read out of wasm memory). */
export interface CField {
  readonly format: string;
  readonly name: string;
  readonly flags: number;
  readonly metadata: [string, string][] | null;
  readonly children: CField[];
  readonly dictionary: CField | null;
}

/** An array as cData.js describes it: its ArrowArray (never offset), with each buffer copied into its own ArrayBuffer. */
export interface CArray {
  readonly length: number;
  readonly nullCount: number;
  readonly buffers: (Uint8Array | null)[];
  readonly children: CArray[];
  readonly dictionary: CArray | null;
}

const NULLABLE = 2;
const MAP_KEYS_SORTED = 4;

/** A table of record batches (`schema` is the struct the C Data stream exports), reusing the copied buffers. */
export function tableFromC(schema: CField, batches: readonly CArray[]): Table {
  const arrowSchema = new Schema(schema.children.map(fieldFromC), metadataOf(schema));
  return new Table(arrowSchema, batches.map((batch) => {
    const children = schema.children.map((field, k) => dataFromC(field, batch.children[k]!));
    const struct = makeData({ type: new Struct(arrowSchema.fields), length: batch.length, nullCount: 0, children });
    return new RecordBatch(arrowSchema, struct);
  }));
}

function fieldFromC(field: CField): Field {
  return new Field(field.name, typeFromC(field), (field.flags & NULLABLE) !== 0, metadataOf(field));
}

function metadataOf(field: CField): Map<string, string> | null {
  return field.metadata === null ? null : new Map(field.metadata);
}

const PRIMITIVE: Record<string, () => DataType> = {
  n: () => new Null(), b: () => new Bool(),
  c: () => new Int8(), C: () => new Uint8(), s: () => new Int16(), S: () => new Uint16(),
  i: () => new Int32(), I: () => new Uint32(), l: () => new Int64(), L: () => new Uint64(),
  e: () => new Float16(), f: () => new Float32(), g: () => new Float64(),
  u: () => new Utf8(), U: () => new LargeUtf8(), z: () => new Binary(), Z: () => new LargeBinary(),
  tdD: () => new DateDay(), tdm: () => new DateMillisecond(),
  tts: () => new TimeSecond(), ttm: () => new TimeMillisecond(), ttu: () => new TimeMicrosecond(), ttn: () => new TimeNanosecond(),
};

const UNIT: Record<string, TimeUnit> = { s: TimeUnit.SECOND, m: TimeUnit.MILLISECOND, u: TimeUnit.MICROSECOND, n: TimeUnit.NANOSECOND };

function typeFromC(field: CField): DataType {
  const value = valueTypeFromC(field);
  if (field.dictionary === null) return value;
  return new Dictionary(typeFromC(field.dictionary), value as never, null, (field.flags & 1) !== 0);
}

function valueTypeFromC(field: CField): DataType {
  const f = field.format;
  const primitive = PRIMITIVE[f];
  if (primitive !== undefined) return primitive();
  if (f.startsWith('ts')) return new Timestamp(UNIT[f[2]!]!, f.slice(4) === '' ? null : f.slice(4));
  if (f.startsWith('w:')) return new FixedSizeBinary(Number(f.slice(2)));
  if (f.startsWith('d:')) {
    const [precision, scale, bits] = f.slice(2).split(',').map(Number);
    return new Decimal(scale!, precision!, bits ?? 128);
  }
  if (f === '+l') return new List(fieldFromC(field.children[0]!));
  if (f === '+s') return new Struct(field.children.map(fieldFromC));
  if (f === '+m') return new Map_(fieldFromC(field.children[0]!) as never, (field.flags & MAP_KEYS_SORTED) !== 0);
  if (f.startsWith('+w:')) return new FixedSizeList(Number(f.slice(3)), fieldFromC(field.children[0]!));
  // cData.js only describes the formats above.
  throw new Error(`Arrow C Data format '${f}' is not supported`);
}

function dataFromC(field: CField, array: CArray, type: DataType = typeFromC(field)): Data {
  const [validity, second, third] = array.buffers;
  const base = { type, offset: 0, length: array.length, nullCount: array.nullCount, nullBitmap: validity };
  const f = field.format;
  if (field.dictionary !== null) {
    const dictionary = makeVector(dataFromC(field.dictionary, array.dictionary!));
    return makeData({ ...base, data: second, dictionary } as never);
  }
  if (f === 'n') return makeData({ type, length: array.length, nullCount: array.length } as never);
  if (f === 'u' || f === 'U' || f === 'z' || f === 'Z') return makeData({ ...base, valueOffsets: second, data: third ?? new Uint8Array(0) } as never);
  if (f === '+l' || f === '+m') return makeData({ ...base, valueOffsets: second, child: dataFromC(field.children[0]!, array.children[0]!) } as never);
  if (f === '+w' || f.startsWith('+w:')) return makeData({ ...base, child: dataFromC(field.children[0]!, array.children[0]!) } as never);
  if (f === '+s') return makeData({ ...base, children: field.children.map((c, k) => dataFromC(c, array.children[k]!)) } as never);
  return makeData({ ...base, data: second ?? new Uint8Array(0) } as never);
}
