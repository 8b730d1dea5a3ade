import { DataType, Type, type Vector } from 'apache-arrow';
import { validityOf } from './bits.ts';
import { bigintsOf, is64Bit, numbersOf, numericVector, storageFor } from './numbers.ts';
import { fromRowValues, rowValues } from './rows.ts';
import { encodeUtf8, Utf8Builder, Utf8Column } from './utf8.ts';
import { boolVector, materialize } from '../bound.ts';

/**
 * Row i of the result is row i of `sources[choice[i]]`, or null where `choice[i]` is -1: the
 * kernel behind CASE, IF, COALESCE and NVL. Every source has `type` and the batch's length.
 * Fixed-width and string columns are gathered from their buffers; nested types go by value.
 */
export function chooseRows(type: DataType, given: readonly (Vector | { readonly constant: unknown })[], choice: Int8Array | Int16Array | Int32Array): Vector {
  const n = choice.length;
  // Constant strings are copied from their bytes, not materialized as columns first.
  if ((type.typeId === Type.Utf8 || type.typeId === Type.Binary) && given.some((g) => 'constant' in g)) return chooseStrings(type, given, choice);
  const sources = given.map((g) => ('constant' in g ? materialize(type, g.constant, n) : g));
  const validity = new Uint8Array((n + 7) >> 3);
  const valids = sources.map((s) => validityOf(s.data[0]!));
  const isValid = (k: number, i: number): boolean => {
    const v = valids[k]!;
    return v === null || (v[i >> 3]! & (1 << (i & 7))) !== 0;
  };
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp: {
      const wide = is64Bit(type);
      const columns = sources.map((s) => (wide ? bigintsOf(s.data[0]!) : numbersOf(s.data[0]!).values));
      const out = storageFor(type, n) as unknown as { [i: number]: number | bigint };
      for (let i = 0; i < n; i++) {
        const k = choice[i]!;
        if (k < 0 || !isValid(k, i)) continue;
        out[i] = columns[k]![i]!;
        validity[i >> 3]! |= 1 << (i & 7);
      }
      return numericVector(type, out as never, validity);
    }
    case Type.Bool: {
      const datas = sources.map((s) => s.data[0]!);
      const out = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const k = choice[i]!;
        if (k < 0 || !isValid(k, i)) continue;
        const d = datas[k]!;
        const j = d.offset + i;
        if ((d.values as Uint8Array)[j >> 3]! & (1 << (j & 7))) out[i >> 3]! |= 1 << (i & 7);
        validity[i >> 3]! |= 1 << (i & 7);
      }
      return boolVector(out, validity, n);
    }
    case Type.Utf8:
    case Type.Binary: {
      const columns = sources.map((s) => new Utf8Column(s.data[0]!));
      const builder = new Utf8Builder(n);
      for (let i = 0; i < n; i++) {
        const k = choice[i]!;
        if (k < 0 || !isValid(k, i)) builder.appendNull();
        else {
          const c = columns[k]!;
          builder.appendBytes(c.bytes, c.offsets[i]!, c.offsets[i + 1]!);
        }
      }
      return builder.finish(type.typeId === Type.Binary);
    }
  }
  const values = sources.map((s) => rowValues(s));
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = choice[i]! < 0 ? null : values[choice[i]!]![i];
  return fromRowValues(type, out);
}

function chooseStrings(type: DataType, given: readonly (Vector | { readonly constant: unknown })[], choice: Int8Array | Int16Array | Int32Array): Vector {
  const n = choice.length;
  const sources = given.map((g) => {
    if ('constant' in g) {
      const v = g.constant;
      return { bytes: v === null || v === undefined ? null : v instanceof Uint8Array ? v : encodeUtf8(v as string), column: null, validity: null };
    }
    const data = g.data[0]!;
    return { bytes: null, column: new Utf8Column(data), validity: validityOf(data) };
  });
  const builder = new Utf8Builder(n);
  for (let i = 0; i < n; i++) {
    const k = choice[i]!;
    const source = k < 0 ? undefined : sources[k];
    if (!source) {
      builder.appendNull();
      continue;
    }
    if (source.column) {
      if (source.validity !== null && !(source.validity[i >> 3]! & (1 << (i & 7)))) builder.appendNull();
      else builder.appendBytes(source.column.bytes, source.column.offsets[i]!, source.column.offsets[i + 1]!);
    } else if (source.bytes === null) builder.appendNull();
    else builder.appendBytes(source.bytes, 0, source.bytes.length);
  }
  return builder.finish(type.typeId === Type.Binary);
}
