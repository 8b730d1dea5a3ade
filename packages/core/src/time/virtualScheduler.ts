import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

interface QueuedAction {
  readonly seq: number;
  time: number;
  work: (this: SchedulerAction<unknown>, state?: unknown) => void;
  state: unknown;
  cancelled: boolean;
  handle: VirtualAction;
}

class VirtualAction extends Subscription implements SchedulerAction<unknown> {
  constructor(
    private readonly scheduler: VirtualScheduler,
    private entry: QueuedAction | undefined,
  ) {
    super(() => {
      if (this.entry) this.entry.cancelled = true;
    });
  }

  /** RxJS actions reschedule themselves (interval, timer with period). */
  schedule(state?: unknown, delay = 0): Subscription {
    if (this.closed) return this;
    if (this.entry) this.entry.cancelled = true;
    this.entry = this.scheduler.enqueue(this.entry!.work, delay, state, this);
    return this;
  }

  /** @internal */
  bind(entry: QueuedAction): void {
    this.entry = entry;
  }
}

/**
 * A clock that moves only when told: the engine's timers (triggers, XState delays, timeouts)
 * are queued here and run in time order as the test advances. Unlike RxJS's TestScheduler it
 * can be advanced step by step from async code, so promise-based work (checkpoint writes,
 * sinks) completes between timer firings and the real engine runs unchanged.
 *
 * @example
 * const clock = new VirtualScheduler();
 * const manager = new QueryManager({ scheduler: clock });
 * await clock.advanceBy(1_000);   // one processingTime trigger later
 */
export class VirtualScheduler implements SchedulerLike {
  private current: number;
  private seq = 0;
  private queue: QueuedAction[] = [];

  constructor(startMs = 0, private readonly settle: () => Promise<void> = settleMicrotasks) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    const action = new VirtualAction(this, undefined);
    this.enqueue(work as QueuedAction['work'], delay, state, action);
    return action;
  }

  /** @internal */
  enqueue(work: QueuedAction['work'], delay: number, state: unknown, handle: VirtualAction): QueuedAction {
    const entry: QueuedAction = { seq: this.seq++, time: this.current + Math.max(0, delay), work, state, cancelled: false, handle };
    handle.bind(entry);
    // Keep the queue sorted by (time, seq): equal times run in scheduling order.
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.time > entry.time) i--;
    this.queue.splice(i, 0, entry);
    return entry;
  }

  /** When the next pending timer is due, or undefined when none is pending. */
  nextTime(): number | undefined {
    this.dropCancelled();
    return this.queue[0]?.time;
  }

  /** Number of pending timers (cancelled ones excluded). */
  get pending(): number {
    this.dropCancelled();
    return this.queue.filter((e) => !e.cancelled).length;
  }

  /**
   * Move time forward to `targetMs`, running every timer due on the way in order and letting
   * the async work each one starts settle before the next fires.
   */
  async advanceTo(targetMs: number): Promise<void> {
    await this.settle();
    for (;;) {
      const next = this.nextTime();
      if (next === undefined || next > targetMs) break;
      const entry = this.queue.shift()!;
      this.current = Math.max(this.current, entry.time);
      entry.work.call(entry.handle, entry.state);
      await this.settle();
    }
    this.current = Math.max(this.current, targetMs);
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }

  /** Run timers until none is left or `maxMs` of virtual time has passed (guards against endless loops). */
  async runAll(maxMs = 3_600_000): Promise<void> {
    const limit = this.current + maxMs;
    for (let next = this.nextTime(); next !== undefined && next <= limit; next = this.nextTime()) await this.advanceTo(next);
  }

  private dropCancelled(): void {
    while (this.queue[0]?.cancelled) this.queue.shift();
  }
}

/**
 * Let pending promise chains finish: a macrotask turn runs only once the microtask queue is
 * empty, and a few turns let chains that hop through I/O callbacks (timers of 0, fs) complete.
 */
export async function settleMicrotasks(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
