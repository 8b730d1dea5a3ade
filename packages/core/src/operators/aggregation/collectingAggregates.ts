import { Bool, Field, List, type DataType } from 'apache-arrow';
import { toLatin1 } from '../../state/latin1.ts';
import { RowCodec } from '../../state/codec/rowCodec.ts';
import { Schema } from 'apache-arrow';
import type { Accumulator, AggregateKind, AggregateOptions } from '../aggregates.ts';

interface Picked {
  readonly set: boolean;
  readonly value: unknown;
}

/**
 * `first`, `last` (Spark's `First`/`Last` with `ignoreNulls`; "first" is arrival order within the
 * stream, as Spark's is within its input order) and `collect_list` / `collect_set` (nulls left
 * out, as Spark does; the set keeps first-seen order).
 */
export function collectingAggregateKind(fn: 'first' | 'last' | 'collect_list' | 'collect_set', inputType: DataType, options: AggregateOptions): AggregateKind {
  if (fn === 'first' || fn === 'last') {
    const ignoreNulls = options.ignoreNulls ?? false;
    const take = (acc: Picked, v: unknown): Picked => (ignoreNulls && v === null ? acc : fn === 'first' && acc.set ? acc : { set: true, value: v });
    return {
      resultType: inputType,
      init: () => ({ set: false, value: null }),
      add: (acc, v) => take(acc as Picked, v),
      merge: (a, b) => (fn === 'first' ? ((a as Picked).set ? a : b) : (b as Picked).set ? b : a),
      result: (acc) => (acc as Picked).value,
      stateFields: [new Field(`${fn}.value`, inputType, true), new Field(`${fn}.valueSet`, new Bool(), false)],
      toState: (acc, out) => void out.push((acc as Picked).value, (acc as Picked).set),
      fromState: (row, at) => ({ value: row[at] ?? null, set: row[at + 1] === true }),
    };
  }
  const listType = new List(new Field('element', inputType, true));
  const distinct = fn === 'collect_set';
  // Set membership by the value's ordered-key bytes: equal values (also structs, arrays) are equal bytes.
  const keyOf = distinct ? keyEncoder(inputType) : null;
  const addTo = (list: unknown[], v: unknown): unknown[] => {
    if (v === null) return list;
    if (keyOf && list.some((x) => keyOf(x) === keyOf(v))) return list;
    list.push(v);
    return list;
  };
  return {
    resultType: listType,
    init: () => [],
    add: (acc, v) => addTo(acc as unknown[], v),
    merge: (a, b) => (b as unknown[]).reduce<unknown[]>((list, v) => addTo(list, v), [...(a as unknown[])]),
    result: (acc) => acc as unknown[],
    stateFields: [new Field(`${fn}.values`, listType, false)],
    toState: (acc, out) => void out.push(acc),
    fromState: (row, at) => ((row[at] as unknown[] | null) ?? []).slice() as Accumulator,
  };
}

function keyEncoder(type: DataType): (v: unknown) => string {
  const codec = new RowCodec(new Schema([new Field('v', type, true)]), 'ordered', 'collect_set value');
  return (v) => toLatin1(codec.encode([v]));
}
