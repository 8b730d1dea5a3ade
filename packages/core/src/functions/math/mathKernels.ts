import { Float64, type DataType } from 'apache-arrow';
import type { BoundExpression } from '../../expressions/bound.ts';
import { andBitmaps, bytesToBitmap, validityOf } from '../../expressions/kernels/bits.ts';
import { compileKernel } from '../../expressions/kernels/generated.ts';
import { numbersOf, numericVector, storageFor, type NumberArray } from '../../expressions/kernels/numbers.ts';

type Loop = (a: NumberArray, out: NumberArray, nulls: Uint8Array, n: number) => boolean;

/**
 * A double → double function compiled into a loop from `expression` (in `x`); `nullWhen` (in `x`)
 * marks rows whose result is null (log of a non-positive number). Both are fixed source
 * fragments of this library, never user text.
 */
export function doubleMap(name: string, arg: BoundExpression, expression: string, nullWhen = 'false', type: DataType = new Float64()): BoundExpression {
  const body = `let any = false;
for (let i = 0; i < n; i++) {
  const x = a[i];
  if (${nullWhen}) { nulls[i] = 1; any = true; continue; }
  out[i] = ${expression};
}
return any;`;
  const loop = compileKernel<Loop>(`math:${expression}:${nullWhen}`, ['a', 'out', 'nulls', 'n'], body);
  return {
    name,
    type,
    evaluate: (batch, context) => {
      const data = arg.evaluate(batch, context).data[0]!;
      const n = data.length;
      const { values } = numbersOf(data);
      const out = storageFor(type, n) as NumberArray;
      const nulls = new Uint8Array(n);
      const any = loop(values, out, nulls, n);
      let validity = validityOf(data);
      if (any) {
        for (let i = 0; i < n; i++) nulls[i] = nulls[i] ? 0 : 1;
        validity = andBitmaps(validity, bytesToBitmap(nulls, n), n);
      }
      return numericVector(type, out, validity);
    },
  };
}
