import { DataType, Type, type Vector } from 'apache-arrow';
import { validityOf } from './bits.ts';
import { bigintsOf, is64Bit, numbersOf, numericVector, storageFor } from './numbers.ts';
import { fromRowValues, rowValues } from './rows.ts';
import { Utf8Builder, Utf8Column } from './utf8.ts';
import { boolVector } from '../bound.ts';

/**
 * Row i of the result is row i of `sources[choice[i]]`, or null where `choice[i]` is -1: the
 * kernel behind CASE, IF, COALESCE and NVL. Every source has `type` and the batch's length.
 * Fixed-width and string columns are gathered from their buffers; nested types go by value.
 */
export function chooseRows(type: DataType, sources: readonly Vector[], choice: Int8Array | Int16Array | Int32Array): Vector {
  const n = choice.length;
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
