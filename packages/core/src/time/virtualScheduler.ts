import { deepStrictEqual } from 'node:assert';
import { TestScheduler } from 'rxjs/testing';

/**
 * RxJS's TestScheduler, advanced step by step from async code. The engine's timers
 * (triggers, XState delays, timeouts) queue on it and run in time order as a test advances;
 * between two timer firings the promise-based work they started (checkpoint writes, sinks)
 * settles, so the real engine runs unchanged on virtual time. `TestScheduler.run` alone cannot
 * do that: it flushes synchronously and never lets a promise resolve.
 *
 * @example
 * const clock = new VirtualScheduler();
 * const manager = new QueryManager({ scheduler: clock });
 * await clock.advanceBy(1_000);   // one processingTime trigger later
 */
export class VirtualScheduler extends TestScheduler {
  constructor(
    startMs = 0,
    private readonly settle: () => Promise<void> = settleMicrotasks,
    assertDeepEqual: (actual: unknown, expected: unknown) => void = deepStrictEqual,
  ) {
    super(assertDeepEqual);
    this.frame = startMs;
    this.maxFrames = startMs;
  }

  /** When the next pending timer is due, or undefined when none is pending. */
  nextTime(): number | undefined {
    return this.actions[0]?.delay;
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.actions.length;
  }

  /**
   * Move time forward to `targetMs`, running every timer due on the way in order and letting
   * the async work each one starts settle before the next fires.
   */
  async advanceTo(targetMs: number): Promise<void> {
    await this.settle();
    // One timer at a time, settling in between: `flush()` would run every timer of a frame back to
    // back, before the promise work the first one started could finish.
    for (let action = this.actions[0]; action !== undefined && action.delay <= targetMs; action = this.actions[0]) {
      this.actions.shift();
      this.frame = action.delay;
      const error: unknown = action.execute(action.state, action.delay);
      if (error) throw error;
      await this.settle();
    }
    this.frame = Math.max(this.frame, targetMs);
    this.maxFrames = this.frame;
  }

  /**
   * Spark's `ManualClock.advance`: time jumps to `targetMs` at once, then every timer due by then
   * runs (in order) seeing `targetMs` as now. A periodic trigger fires once after a jump, not once
   * per interval it jumped over, as a trigger waiting on Spark's manual clock does.
   */
  async jumpTo(targetMs: number): Promise<void> {
    await this.settle();
    this.frame = Math.max(this.frame, targetMs);
    this.maxFrames = this.frame;
    for (let action = this.actions[0]; action !== undefined && action.delay <= this.frame; action = this.actions[0]) {
      this.actions.shift();
      const error: unknown = action.execute(action.state, action.delay);
      if (error) throw error;
      await this.settle();
    }
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.frame + ms);
  }

  /** Run timers until none is left or `maxMs` of virtual time has passed (guards against endless loops). */
  async runAll(maxMs = 3_600_000): Promise<void> {
    const limit = this.frame + maxMs;
    for (let next = this.nextTime(); next !== undefined && next <= limit; next = this.nextTime()) await this.advanceTo(next);
  }
}

/**
 * Let pending promise chains finish: a macrotask turn runs only once the microtask queue is
 * empty, and a few turns let chains that hop through I/O callbacks complete.
 *
 * @example
 * clock.advanceBy(1_000);
 * await settleMicrotasks(); // let the promises the timers started run before asserting
 */
export async function settleMicrotasks(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
