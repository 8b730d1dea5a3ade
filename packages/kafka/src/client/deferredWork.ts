/**
 * Work queued now and done later, in order, all at once: either on the next turn of the event
 * loop or earlier, when someone needs its effects (`flush`).
 *
 * The kafkajs fetch loop sends its next fetch only once `eachBatch` has returned for every
 * partition of the last response. Copying the records into our buffers inside `eachBatch`
 * kept the broker idle for that long (~1 µs a record, ~8 ms per 8,000-record response); queued
 * instead, the copy runs while the next fetch is on the wire.
 */
export class DeferredWork<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(private readonly apply: (items: readonly T[]) => void) {}

  get size(): number {
    return this.queue.length;
  }

  push(item: T): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: kafkajs hands over the partitions of one response in a
    // chain of promises, so a microtask would run between partitions, before the next fetch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Do everything queued so far, now. */
  flush(): void {
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.apply(items);
  }

  /** Forget what is queued (the reader closed). */
  clear(): void {
    this.queue = [];
  }
}
