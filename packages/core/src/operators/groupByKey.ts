import type { Operator } from '../builders/streamFrame.ts';
import { groupsWithStateStep, type FlatMapGroupsWithStateOptions, type GroupsWithStateFunction } from './stateful/flatMapGroupsWithState.ts';
import type { GroupState } from './stateful/groupState.ts';
import { transformWithStateStep, type TransformWithStateOptions } from './stateful/transformWithState/transformWithState.ts';
import type { StatefulProcessor } from './stateful/transformWithState/statefulProcessor.ts';

/** Options of `mapGroupsWithState`: as `flatMapGroupsWithState`'s, its output mode is always update. */
export type MapGroupsWithStateOptions = Omit<FlatMapGroupsWithStateOptions, 'outputMode'>;

/** What `groupByKey(...)` offers: Spark's arbitrary stateful operations on a keyed stream. */
export interface KeyedStream {
  /**
   * Spark's `flatMapGroupsWithState`: per batch, `fn(key, rows, state)` for every key with rows,
   * then for every key whose timeout passed (no rows, `state.hasTimedOut`); it returns any number
   * of output rows. The state lives in the state store, one entry per key, with the timeouts in an
   * index, so a restart fires exactly the timeouts that were due.
   */
  flatMapGroupsWithState<S>(options: FlatMapGroupsWithStateOptions, fn: GroupsWithStateFunction<S>): Operator;
  /** Spark's `mapGroupsWithState`: as `flatMapGroupsWithState` in update mode, the function returning exactly one row. */
  mapGroupsWithState<S>(options: MapGroupsWithStateOptions, fn: (key: Record<string, unknown>, rows: readonly Record<string, unknown>[], state: GroupState<S>) => Record<string, unknown> | Promise<Record<string, unknown>>): Operator;
  /** Spark 4's `transformWithState`: a {@link StatefulProcessor} with typed state variables and timers. */
  transformWithState(processor: StatefulProcessor, options: TransformWithStateOptions): Operator;
}

/**
 * Group a stream by key columns for arbitrary stateful processing (Spark's `groupByKey`):
 * `flatMapGroupsWithState`, `mapGroupsWithState`, `transformWithState`. User functions see the
 * key and rows as plain objects.
 *
 * @example
 * events.pipe(groupByKey('user').mapGroupsWithState<{ n: number }>({ outputSchema: 'user STRING, n INT' }, (key, rows, state) => {
 *   const n = (state.getOption()?.n ?? 0) + rows.length;
 *   state.update({ n });
 *   return { user: key['user'], n };
 * }))
 */
export function groupByKey(...columns: readonly string[]): KeyedStream {
  return {
    flatMapGroupsWithState: (options, fn) => (frame) => groupsWithStateStep(frame, columns, { ...options, isMap: false }, fn),
    mapGroupsWithState: (options, fn) => (frame) =>
      groupsWithStateStep(frame, columns, { ...options, outputMode: 'update', isMap: true }, fn as unknown as GroupsWithStateFunction<unknown>),
    transformWithState: (processor, options) => (frame) => transformWithStateStep(frame, columns, processor, options),
  };
}
