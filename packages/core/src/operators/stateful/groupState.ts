import { SluiceError } from '../../errors.ts';
import { MICROS_PER_DAY, parseInterval } from '../../time/interval.ts';

/** Spark's `GroupStateTimeout`: none, processing-time (`setTimeoutDuration`) or event-time (`setTimeoutTimestamp`). */
export type GroupStateTimeout = 'none' | 'processingTime' | 'eventTime';

/**
 * The state of one group in `flatMapGroupsWithState` / `mapGroupsWithState` (Spark's
 * `GroupState`): read it, update or remove it, and set a timeout after which the function is
 * called for the group without rows (`hasTimedOut`). A timeout holds until the next call of the
 * function for the group: set it again on every call that should keep one.
 *
 * @example
 * (key, rows, state: GroupState<{ count: number }>) => {
 *   if (state.hasTimedOut) { const out = state.get(); state.remove(); return [{ ...key, ...out }]; }
 *   state.update({ count: (state.getOption()?.count ?? 0) + rows.length });
 *   state.setTimeoutDuration('10 seconds');
 *   return [];
 * }
 */
export interface GroupState<S> {
  /** Whether the group has state. */
  readonly exists: boolean;
  /** The state; throws when there is none (check `exists` or use `getOption`). */
  get(): S;
  /** The state, or undefined. */
  getOption(): S | undefined;
  /** Replace the state (null and undefined are refused: use `remove`). */
  update(value: S): void;
  /** Forget the state (a timeout set in the same call is kept). */
  remove(): void;
  /** Whether this call is the group's timeout (no rows), not new data. */
  readonly hasTimedOut: boolean;
  /** Processing-time timeout: call the function for the group once this long passed without data (ms or '10 seconds'). */
  setTimeoutDuration(duration: number | string): void;
  /** Event-time timeout: call the function once the watermark passes this instant (epoch ms or Date, plus an optional duration). */
  setTimeoutTimestamp(timestamp: number | Date, additionalDuration?: number | string): void;
  /** The watermark this batch runs with (only when the query has one). */
  getCurrentWatermarkMs(): number;
  /** The batch's processing time (the same on a replay). */
  getCurrentProcessingTimeMs(): number;
}

/** What the engine knows of a group when it calls the function. */
export interface GroupStateInit<S> {
  readonly value: S | undefined;
  readonly exists: boolean;
  readonly timeout: GroupStateTimeout;
  readonly hasTimedOut: boolean;
  readonly batchTimestampMs: number;
  /** The watermark, or null when the query has none. */
  readonly watermarkMs: number | null;
}

const misuse = (message: string) => new SluiceError('INVALID_QUERY', message);

/** A timeout duration in ms as Spark reads one: a number of ms, or an interval string with a month counted as 31 days. */
function durationMs(duration: number | string): number {
  if (typeof duration === 'number') return duration;
  try {
    const interval = parseInterval(duration);
    return ((interval.months * 31 + interval.days) * MICROS_PER_DAY + interval.micros) / 1000;
  } catch {
    return Number.NaN;
  }
}

/** Spark's `GroupStateImpl` for streaming: what the function did to the group, read back after it returns. */
export class GroupStateImpl<S> implements GroupState<S> {
  private value: S | undefined;
  private present: boolean;
  updated = false;
  removed = false;
  /** The timeout set in this call (null: none). */
  timeoutMs: number | null = null;

  constructor(private readonly init: GroupStateInit<S>) {
    this.value = init.value;
    this.present = init.exists;
  }

  get exists(): boolean {
    return this.present;
  }

  get hasTimedOut(): boolean {
    return this.init.hasTimedOut;
  }

  get(): S {
    if (!this.present) throw misuse('GroupState.get: the state is either not defined or has already been removed; check state.exists or use getOption().');
    return this.value as S;
  }

  getOption(): S | undefined {
    return this.present ? this.value : undefined;
  }

  update(value: S): void {
    if (value === null || value === undefined) throw misuse("GroupState.update: 'null' is not a valid state value; call remove() to drop the state.");
    this.value = value;
    this.present = true;
    this.updated = true;
    this.removed = false;
  }

  remove(): void {
    this.value = undefined;
    this.present = false;
    this.removed = true;
    this.updated = false;
  }

  setTimeoutDuration(duration: number | string): void {
    if (this.init.timeout !== 'processingTime') {
      throw misuse('Cannot set timeout duration without enabling processing time timeout in [map|flatMap]GroupsWithState: pass timeout: "processingTime".');
    }
    const ms = durationMs(duration);
    if (!(ms > 0)) throw misuse(`Timeout duration must be positive, got ${JSON.stringify(duration)}.`);
    this.timeoutMs = this.init.batchTimestampMs + ms;
  }

  setTimeoutTimestamp(timestamp: number | Date, additionalDuration?: number | string): void {
    if (this.init.timeout !== 'eventTime') {
      throw misuse('Cannot set timeout timestamp without enabling event time timeout in [map|flatMap]GroupsWithState: pass timeout: "eventTime".');
    }
    let ms = timestamp instanceof Date ? timestamp.getTime() : timestamp;
    if (additionalDuration !== undefined) {
      const extra = durationMs(additionalDuration);
      if (!(extra > 0)) throw misuse(`Timeout duration must be positive, got ${JSON.stringify(additionalDuration)}.`);
      ms += extra;
    }
    if (!(ms >= 0)) throw misuse(`Timeout timestamp must be positive, got ${ms}.`);
    if (this.init.watermarkMs !== null && ms < this.init.watermarkMs) {
      throw misuse(`Timeout timestamp (${ms}) cannot be earlier than the current watermark (${this.init.watermarkMs}).`);
    }
    this.timeoutMs = ms;
  }

  getCurrentWatermarkMs(): number {
    if (this.init.watermarkMs === null) throw misuse('Cannot get event time watermark timestamp without setting watermark before [map|flatMap]GroupsWithState: add withWatermark(...) before it.');
    return this.init.watermarkMs;
  }

  getCurrentProcessingTimeMs(): number {
    return this.init.batchTimestampMs;
  }
}
