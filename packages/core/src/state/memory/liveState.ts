import type { KeySpaceSpec } from '../stateStore.ts';
import { SortedKeys } from './sortedKeys.ts';

/**
 * Bytes an entry costs beyond its key and value characters (a Map slot, two string headers,
 * an index slot): `memoryUsedBytes` is kept as entries come and go, never by serialising state.
 */
export const ENTRY_OVERHEAD = 96;

/** One key space of the live state: latin1 key → latin1 value, plus the ordered index when asked for. */
export class LiveSpace {
  readonly map = new Map<string, string>();
  readonly index: SortedKeys | null;
  bytes = 0;

  constructor(readonly spec: KeySpaceSpec) {
    this.index = spec.ordered ? new SortedKeys() : null;
  }

  /** Set a key; returns its previous value. */
  set(key: string, value: string): string | undefined {
    const old = this.map.get(key);
    this.replace(key, value, old);
    return old;
  }

  /** Set a key whose current value the caller just read (`old`): one map operation fewer than `set`, which a batch pays per key. */
  replace(key: string, value: string, old: string | undefined): void {
    this.map.set(key, value);
    if (old === undefined) {
      this.index?.add(key);
      this.bytes += key.length + value.length + ENTRY_OVERHEAD;
    } else this.bytes += value.length - old.length;
  }

  /**
   * Set a key while the state is being rebuilt from files: one map operation, and `bytes` is left
   * for `recount` to settle once every file is applied (a read per record, to learn the size of
   * the value it replaces, made loading a million keys markedly slower).
   */
  load(key: string, value: string): void {
    const size = this.map.size;
    this.map.set(key, value);
    if (this.map.size !== size) this.index?.add(key);
  }

  /** Remove a key while rebuilding (see `load`). */
  unload(key: string): void {
    if (this.map.delete(key)) this.index?.delete(key);
  }

  /** Count `bytes` again from the entries (after `load`/`unload`). */
  recount(): void {
    let bytes = 0;
    this.map.forEach((value, key) => (bytes += key.length + value.length + ENTRY_OVERHEAD));
    this.bytes = bytes;
  }

  /** Remove a key; returns its previous value. */
  remove(key: string): string | undefined {
    const old = this.map.get(key);
    if (old === undefined) return undefined;
    this.map.delete(key);
    this.index?.delete(key);
    this.bytes -= key.length + old.length + ENTRY_OVERHEAD;
    return old;
  }
}

/** The in-memory provider's state of one partition at `version`, mutated in place by each batch. */
export class LiveState {
  readonly spaces: LiveSpace[];

  constructor(public version: number, specs: readonly KeySpaceSpec[]) {
    this.spaces = specs.map((spec) => new LiveSpace(spec));
  }

  get bytes(): number {
    return this.spaces.reduce((n, s) => n + s.bytes, 0);
  }

  /** What a snapshot of this state takes on disk, about: its keys and values plus a few bytes of framing each. */
  get snapshotBytes(): number {
    return this.spaces.reduce((n, s) => n + s.bytes - s.map.size * (ENTRY_OVERHEAD - 4), 0);
  }

  /** Keys outside internal spaces (`numRowsTotal`). */
  get numKeys(): number {
    return this.spaces.reduce((n, s) => n + (s.spec.internal ? 0 : s.map.size), 0);
  }
}
