// Restated from apache/spark FlatMapGroupsWithStateSuite's GroupState tests (TestGroupState on streaming settings).
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../errors.ts';
import { GroupStateImpl, type GroupStateTimeout } from './groupState.ts';

const create = <S>(value: S | undefined, timeout: GroupStateTimeout, batchTimestampMs: number, watermarkMs: number | null, hasTimedOut = false) =>
  new GroupStateImpl<S>({ value, exists: value !== undefined, timeout, hasTimedOut, batchTimestampMs, watermarkMs });

const refused = (body: () => void) => {
  let error: unknown;
  try {
    body();
  } catch (e) {
    error = e;
  }
  expect(isSluiceError(error, 'INVALID_QUERY'), String(error)).toBe(true);
};

describe('GroupState (Spark: FlatMapGroupsWithStateSuite)', () => {
  it('get, exists, update, remove', () => {
    let state = create<string>(undefined, 'none', 1, null);
    expect(state.exists).toBe(false);
    refused(() => state.get());
    expect(state.getOption()).toBeUndefined();
    state.update('');
    expect([state.exists, state.get(), state.updated, state.removed]).toEqual([true, '', true, false]);

    state = create<string>('2', 'none', 1, null);
    expect([state.get(), state.updated]).toEqual(['2', false]);
    state.update('3');
    expect([state.get(), state.updated]).toEqual(['3', true]);
    state.remove();
    expect([state.exists, state.updated, state.removed]).toEqual([false, false, true]);
    state.remove(); // still callable
    state.update('4');
    expect([state.get(), state.updated, state.removed]).toEqual(['4', true, false]);
    refused(() => state.update(null as unknown as string));
  });

  it('setTimeout - with NoTimeout', () => {
    for (const value of [undefined, 5]) {
      const state = create<number>(value, 'none', 1000, null);
      refused(() => state.setTimeoutDuration(1000));
      refused(() => state.setTimeoutTimestamp(1000));
    }
  });

  it('setTimeout - with ProcessingTimeTimeout', () => {
    const state = create<number>(undefined, 'processingTime', 1000, null);
    expect(state.timeoutMs).toBeNull();
    state.setTimeoutDuration('-1 month 31 days 1 second');
    expect(state.timeoutMs).toBe(2000);
    state.setTimeoutDuration(500);
    expect(state.timeoutMs).toBe(1500); // can be set without initializing state
    refused(() => state.setTimeoutTimestamp(1000));
    state.update(5);
    expect(state.timeoutMs).toBe(1500); // does not change
    state.setTimeoutDuration(1000);
    expect(state.timeoutMs).toBe(2000);
    state.setTimeoutDuration('2 second');
    expect(state.timeoutMs).toBe(3000);
    state.remove();
    expect(state.timeoutMs).toBe(3000); // does not change
    state.setTimeoutDuration(500); // can still be set
    expect(state.timeoutMs).toBe(1500);
  });

  it('setTimeout - with EventTimeTimeout', () => {
    const state = create<number>(undefined, 'eventTime', 1000, 1000);
    expect(state.timeoutMs).toBeNull();
    refused(() => state.setTimeoutDuration(1000));
    state.setTimeoutTimestamp(5000);
    expect(state.timeoutMs).toBe(5000);
    state.update(5);
    expect(state.timeoutMs).toBe(5000);
    state.setTimeoutTimestamp(10000);
    expect(state.timeoutMs).toBe(10000);
    state.setTimeoutTimestamp(new Date(20000));
    expect(state.timeoutMs).toBe(20000);
    state.remove();
    expect(state.timeoutMs).toBe(20000);
    state.setTimeoutTimestamp(5000); // can be set after removing state
    expect(state.timeoutMs).toBe(5000);
  });

  it('illegal params to setTimeout', () => {
    let state = create<number>(5, 'processingTime', 1000, null);
    for (const d of [-1000, 0, '-2 second', '-1 month', '1 month -31 day']) refused(() => state.setTimeoutDuration(d));
    expect(state.timeoutMs).toBeNull();
    state = create<number>(5, 'eventTime', 1000, 1000);
    refused(() => state.setTimeoutTimestamp(-10000));
    refused(() => state.setTimeoutTimestamp(10000, '-3 second'));
    refused(() => state.setTimeoutTimestamp(10000, '-1 month'));
    refused(() => state.setTimeoutTimestamp(10000, '1 month -32 day'));
    refused(() => state.setTimeoutTimestamp(new Date(-10000)));
    refused(() => state.setTimeoutTimestamp(new Date(-10000), '-3 second'));
    // and below the watermark
    refused(() => state.setTimeoutTimestamp(999));
    expect(state.timeoutMs).toBeNull();
  });

  it('hasTimedOut and getCurrentWatermarkMs / getCurrentProcessingTimeMs', () => {
    for (const timeout of ['none', 'processingTime', 'eventTime'] as const) {
      expect(create<number>(5, timeout, 1000, null).hasTimedOut).toBe(false);
      if (timeout !== 'none') expect(create<number>(5, timeout, 1000, null, true).hasTimedOut).toBe(true);
      refused(() => create<number>(undefined, timeout, 1000, null).getCurrentWatermarkMs());
      expect(create<number>(undefined, timeout, 1000, 1000).getCurrentWatermarkMs()).toBe(1000);
      expect(create<number>(undefined, timeout, 1000, 2000).getCurrentWatermarkMs()).toBe(2000);
      expect(create<number>(undefined, timeout, 1234, null).getCurrentProcessingTimeMs()).toBe(1234);
    }
  });
});
