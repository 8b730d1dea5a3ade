import { isDeepStrictEqual } from 'node:util';
import { TestScheduler } from 'rxjs/testing';

/** One value at one virtual millisecond, as a marble diagram holds it. */
export interface MarbleEvent<T> {
  readonly frame: number;
  readonly value: T;
}

/**
 * Parse a diagram in RxJS run-mode syntax (1 frame = 1 ms, `10ms` progressions, `(ab)` groups).
 *
 * @example
 * parseMarbles('-a--(bc)-', { a: 1, b: 2, c: 3 }, 'input').events // [{ frame: 1, value: 1 }, { frame: 4, value: 2 }, { frame: 4, value: 3 }]
 */
export function parseMarbles<T>(marbles: string, values: Readonly<Record<string, T>> | undefined, what: string): { events: MarbleEvent<T>[]; end: number } {
  const messages = runMode(() => TestScheduler.parseMarbles(marbles, values as Record<string, T>, undefined, false, true));
  const events: MarbleEvent<T>[] = [];
  let end = 0;
  for (const m of messages) {
    end = Math.max(end, m.frame);
    if (m.notification.kind === 'N') {
      if (values && m.notification.value === undefined) throw new Error(`${what}: marble value is not in the values map (diagram ${JSON.stringify(marbles)}).`);
      events.push({ frame: m.frame, value: m.notification.value as T });
    }
  }
  return { events, end: Math.max(end, marbleLength(marbles)) };
}

/** The frame just past the diagram: its horizon. */
export function marbleLength(marbles: string): number {
  const messages = runMode(() => TestScheduler.parseMarbles(`${marbles.trimEnd()}|`, {}, undefined, false, true));
  return messages.at(-1)?.frame ?? 0;
}

/** RxJS counts a dash as 10 frames outside `TestScheduler.run`; here a dash is always 1 ms. */
function runMode<T>(parse: () => T): T {
  const factor = TestScheduler.frameTimeFactor;
  TestScheduler.frameTimeFactor = 1;
  try {
    return parse();
  } finally {
    TestScheduler.frameTimeFactor = factor;
  }
}

/**
 * Draw events back as a diagram, naming each value by its key in `known` when deep-equal to
 * one there, else by a new capital letter (listed in `legend`): how a failure shows what
 * actually happened next to what was expected.
 *
 * @example
 * drawMarbles([{ frame: 1, value: 'x' }, { frame: 3, value: 'y' }]).diagram // '-a-b'
 */
export function drawMarbles<T>(events: readonly MarbleEvent<T>[], known: Readonly<Record<string, T>> = {}): { diagram: string; legend: Record<string, T> } {
  const legend: Record<string, T> = {};
  const fresh = 'ABCDEFGHIJKLMNOPQRSTUVWYZ';
  let next = 0;
  const keyOf = (value: T): string => {
    for (const [key, v] of Object.entries({ ...known, ...legend })) if (isDeepStrictEqual(v, value)) return key;
    const key = fresh[next++] ?? '?';
    legend[key] = value;
    return key;
  };
  const byFrame = new Map<number, string[]>();
  for (const e of events) byFrame.set(e.frame, [...(byFrame.get(e.frame) ?? []), keyOf(e.value)]);
  let diagram = '';
  let frame = 0;
  for (const at of [...byFrame.keys()].sort((a, b) => a - b)) {
    diagram += gap(at - frame);
    const keys = byFrame.get(at)!;
    // A group takes as many frames as it has characters, in RxJS's syntax too.
    diagram += keys.length === 1 ? keys[0]! : `(${keys.join('')})`;
    frame = at + (keys.length === 1 ? 1 : keys.length + 2);
  }
  return { diagram, legend };
}

function gap(frames: number): string {
  if (frames <= 0) return '';
  return frames > 12 ? ` ${frames}ms ` : '-'.repeat(frames);
}
