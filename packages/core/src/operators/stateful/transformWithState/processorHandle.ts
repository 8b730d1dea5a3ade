import type { OperatorContext } from '../../../builders/plan.ts';
import { SluiceError } from '../../../errors.ts';
import type { KeySpaceCodecs, OperatorState } from '../../../state/operatorState.ts';
import { toLatin1 } from '../../../state/latin1.ts';
import type { StateStore } from '../../../state/stateStore.ts';
import type { GroupingKey, KeyGroup } from '../groupedRows.ts';
import { isExpired, type StateVariable } from './stateVariables.ts';
import type { ListState, MapState, MapStateOptions, QueryInfo, StatefulProcessorHandle, StateVariableOptions, TimeMode, ValueState } from './statefulProcessor.ts';

interface Held {
  value: unknown;
  expiresAt: number | null;
}

interface MapEntry extends Held {
  readonly key: unknown;
  readonly bytes: Uint8Array;
}

/** Everything of one grouping key's state, read before the processor is called for it (the handle's calls are synchronous). */
interface KeyCache {
  readonly values: Map<string, Held | undefined>;
  readonly lists: Map<string, Held[]>;
  readonly maps: Map<string, Map<string, MapEntry>>;
  timers: number[];
}

const EMPTY = new Uint8Array(0);

/**
 * The handle a processor uses during one batch: state variables and timers of the current
 * grouping key, read ahead for the keys the batch touches (one batched read per variable and
 * partition, a prefix scan for maps and timers), written through to the state store.
 */
export class ProcessorHandle implements StatefulProcessorHandle {
  private readonly caches = new Map<string, KeyCache>();
  private current: { group: KeyGroup; cache: KeyCache; store: StateStore } | null = null;
  /** Counters for progress (Spark's names). */
  readonly counts = { numRegisteredTimers: 0, numDeletedTimers: 0, numExpiredTimers: 0, numValuesRemovedDueToTTLExpiry: 0 };

  constructor(
    private readonly key: GroupingKey,
    private readonly variables: ReadonlyMap<string, StateVariable>,
    private readonly state: OperatorState,
    private readonly context: OperatorContext,
    private readonly timeMode: TimeMode,
    private readonly queryId: string,
  ) {}

  /** Read the state of `groups` (those not read yet). */
  async load(groups: readonly KeyGroup[]): Promise<void> {
    const fresh = groups.filter((g) => !this.caches.has(toLatin1(g.bytes)));
    const caches = fresh.map((): KeyCache => ({ values: new Map(), lists: new Map(), maps: new Map(), timers: [] }));
    fresh.forEach((g, i) => this.caches.set(toLatin1(g.bytes), caches[i]!));
    const keys = fresh.map((g) => g.bytes);
    const split = this.state.split(keys);
    for (const v of this.variables.values()) {
      const codecs = this.state.codecs(v.name);
      if (v.kind === 'map') {
        for (const [i, g] of fresh.entries()) {
          const entries = new Map<string, MapEntry>();
          for await (const chunk of this.store(g).space(v.name).scan({ prefix: codecs.key.encodePrefix(g.values) })) {
            for (const e of chunk) {
              const k = codecs.key.decode(e.key);
              const row = codecs.value.decode(e.value);
              entries.set(toLatin1(e.key), { key: v.mapKey!.read(k, g.values.length), bytes: e.key, value: v.value.read(row, 0), expiresAt: (row[v.value.fields.length] as number | null) ?? null });
            }
          }
          caches[i]!.maps.set(v.name, entries);
        }
        continue;
      }
      for (const [p, indexes] of split) {
        const found = await this.state.store(p).space(v.name).getMany(indexes.map((i) => keys[i]!));
        indexes.forEach((i, j) => {
          const bytes = found[j];
          const row = bytes === undefined ? null : codecs.value.decode(bytes);
          if (v.kind === 'value') caches[i]!.values.set(v.name, row === null ? undefined : { value: v.value.read(row, 0), expiresAt: (row[v.value.fields.length] as number | null) ?? null });
          else caches[i]!.lists.set(v.name, row === null ? [] : (row[0] as Record<string, unknown>[]).map((e) => elementOf(v, e)));
        });
      }
    }
    const timers = this.state.codecs('timers').key;
    for (const [i, g] of fresh.entries()) {
      for await (const chunk of this.store(g).space('timers').scan({ prefix: timers.encodePrefix(g.values) })) {
        for (const e of chunk) caches[i]!.timers.push(timers.decode(e.key).at(-1) as number);
      }
    }
  }

  /** Make `group` the current key (its state must be loaded). */
  enter(group: KeyGroup | null): void {
    if (group === null) {
      this.current = null;
      return;
    }
    this.current = { group, cache: this.caches.get(toLatin1(group.bytes))!, store: this.store(group) };
  }

  getValueState<T>(name: string, options?: StateVariableOptions): ValueState<T> {
    void options;
    const v = this.variable(name, 'value');
    const codecs = this.state.codecs(name);
    const read = (): Held | undefined => {
      const held = this.at().cache.values.get(name);
      return held && !isExpired(held.expiresAt, this.context.batchTimestampMs) ? held : undefined;
    };
    return {
      exists: () => read() !== undefined,
      get: () => read()?.value as T | undefined,
      update: (value) => {
        refuseNull(name, value);
        const { group, cache, store } = this.at();
        const held = { value, expiresAt: this.expiry(v) };
        cache.values.set(name, held);
        store.space(name).put(group.bytes, codecs.value.encode(this.cells(v, held)));
        this.indexTtl(v, held.expiresAt, group.bytes);
      },
      clear: () => {
        const { group, cache, store } = this.at();
        cache.values.set(name, undefined);
        store.space(name).delete(group.bytes);
      },
    };
  }

  getListState<T>(name: string, options?: StateVariableOptions): ListState<T> {
    void options;
    const v = this.variable(name, 'list');
    const live = (): Held[] => (this.at().cache.lists.get(name) ?? []).filter((h) => !isExpired(h.expiresAt, this.context.batchTimestampMs));
    const write = (list: Held[]) => {
      const { group, cache, store } = this.at();
      cache.lists.set(name, list);
      if (list.length === 0) store.space(name).delete(group.bytes);
      else store.space(name).put(group.bytes, this.state.codecs(name).value.encode([list.map((h) => elementRow(v, h))]));
    };
    const held = (values: readonly T[]): Held[] => {
      const expiresAt = this.expiry(v);
      values.forEach((value) => refuseNull(name, value));
      if (values.length > 0) this.indexTtl(v, expiresAt, this.at().group.bytes);
      return values.map((value) => ({ value, expiresAt }));
    };
    return {
      exists: () => live().length > 0,
      get: () => live().map((h) => h.value as T),
      put: (values) => write(held(values)),
      appendValue: (value) => write([...live(), ...held([value])]),
      appendList: (values) => write([...live(), ...held(values)]),
      clear: () => write([]),
    };
  }

  getMapState<K, V>(name: string, options?: MapStateOptions): MapState<K, V> {
    void options;
    const v = this.variable(name, 'map');
    const codecs = this.state.codecs(name);
    const entries = () => this.at().cache.maps.get(name)!;
    const live = () => [...entries().values()].filter((e) => !isExpired(e.expiresAt, this.context.batchTimestampMs));
    const bytesOf = (key: K) => {
      const cells: unknown[] = [...this.at().group.values];
      v.mapKey!.write(key, cells);
      return codecs.key.encode(cells);
    };
    const find = (key: K) => {
      const e = entries().get(toLatin1(bytesOf(key)));
      return e && !isExpired(e.expiresAt, this.context.batchTimestampMs) ? e : undefined;
    };
    return {
      exists: () => live().length > 0,
      getValue: (key) => find(key)?.value as V | undefined,
      containsKey: (key) => find(key) !== undefined,
      updateValue: (key, value) => {
        refuseNull(name, value);
        const bytes = bytesOf(key);
        const entry: MapEntry = { key, bytes, value, expiresAt: this.expiry(v) };
        entries().set(toLatin1(bytes), entry);
        this.at().store.space(name).put(bytes, codecs.value.encode(this.cells(v, entry)));
        this.indexTtl(v, entry.expiresAt, bytes);
      },
      iterator: () => live().map((e) => [e.key as K, e.value as V]),
      keys: () => live().map((e) => e.key as K),
      values: () => live().map((e) => e.value as V),
      removeKey: (key) => {
        const bytes = bytesOf(key);
        entries().delete(toLatin1(bytes));
        this.at().store.space(name).delete(bytes);
      },
      clear: () => {
        for (const e of entries().values()) this.at().store.space(name).delete(e.bytes);
        entries().clear();
      },
    };
  }

  registerTimer(expiryTimestampMs: number): void {
    this.needTimers();
    const { group, cache, store } = this.at();
    if (cache.timers.includes(expiryTimestampMs)) return;
    cache.timers.push(expiryTimestampMs);
    store.space('timers').put(this.state.codecs('timers').key.encode([...group.values, expiryTimestampMs]), EMPTY);
    store.space('timersByTime').put(this.state.codecs('timersByTime').key.encode([expiryTimestampMs, group.bytes]), EMPTY);
    this.counts.numRegisteredTimers++;
  }

  deleteTimer(expiryTimestampMs: number): void {
    this.needTimers();
    const { group, cache, store } = this.at();
    const at = cache.timers.indexOf(expiryTimestampMs);
    if (at < 0) return;
    cache.timers.splice(at, 1);
    store.space('timers').delete(this.state.codecs('timers').key.encode([...group.values, expiryTimestampMs]));
    store.space('timersByTime').delete(this.state.codecs('timersByTime').key.encode([expiryTimestampMs, group.bytes]));
    this.counts.numDeletedTimers++;
  }

  listTimers(): number[] {
    this.needTimers();
    return [...this.at().cache.timers].sort((a, b) => a - b);
  }

  deleteIfExists(name: string): void {
    const v = this.variables.get(name);
    if (!v) return;
    if (v.kind === 'value') this.getValueState(name).clear();
    else if (v.kind === 'list') this.getListState(name).clear();
    else this.getMapState(name).clear();
  }

  getQueryInfo(): QueryInfo {
    const { queryId } = this;
    const { batchId } = this.context;
    return { queryId, batchId, getQueryId: () => queryId, getBatchId: () => batchId };
  }

  /**
   * Drop the values whose TTL ran out (the index holds every expiry written; an entry written
   * again since holds a later one and stays).
   */
  async cleanUpExpired(): Promise<void> {
    const ttl = this.state.codecs('ttl').key;
    const now = this.context.batchTimestampMs;
    for (let p = 0; p < this.state.numPartitions; p++) {
      const store = this.state.store(p);
      const due: unknown[][] = [];
      for await (const chunk of store.space('ttl').scan({ lt: ttl.encodePrefix([now + 1]) })) {
        for (const e of chunk) {
          due.push(ttl.decode(e.key));
          store.space('ttl').delete(e.key);
        }
      }
      for (const [, name, entry] of due as [number, string, Uint8Array][]) {
        const v = this.variables.get(name);
        if (!v) continue;
        const codecs: KeySpaceCodecs = this.state.codecs(name);
        const [bytes] = await store.space(name).getMany([entry]);
        if (bytes === undefined) continue;
        const row = codecs.value.decode(bytes);
        if (v.kind === 'list') {
          const list = (row[0] as Record<string, unknown>[]).map((e) => elementOf(v, e));
          const kept = list.filter((h) => !isExpired(h.expiresAt, now));
          this.counts.numValuesRemovedDueToTTLExpiry += list.length - kept.length;
          if (kept.length === 0) store.space(name).delete(entry);
          else if (kept.length < list.length) store.space(name).put(entry, codecs.value.encode([kept.map((h) => elementRow(v, h))]));
        } else if (isExpired((row[v.value.fields.length] as number | null) ?? null, now)) {
          store.space(name).delete(entry);
          this.counts.numValuesRemovedDueToTTLExpiry++;
        }
      }
    }
  }

  private at(): { group: KeyGroup; cache: KeyCache; store: StateStore } {
    if (!this.current) throw new SluiceError('INVALID_QUERY', 'State variables and timers act on the current grouping key: use them inside handleInputRows or handleExpiredTimer, not in init or close.');
    return this.current;
  }

  private store(group: KeyGroup): StateStore {
    return this.state.store(this.state.partitionOf(group.bytes));
  }

  private variable(name: string, kind: StateVariable['kind']): StateVariable {
    const v = this.variables.get(name);
    if (!v || v.kind !== kind) throw new SluiceError('INVALID_QUERY', `State variable '${name}' (${kind}) was not declared when the query was defined: declare every variable in init(), the same way on every run.`);
    return v;
  }

  private needTimers(): void {
    if (this.timeMode === 'none') throw new SluiceError('INVALID_QUERY', "Cannot use timers with timeMode 'none': pass timeMode 'processingTime' or 'eventTime' to transformWithState.");
  }

  private expiry(v: StateVariable): number | null {
    return v.ttlMs === null ? null : this.context.batchTimestampMs + v.ttlMs;
  }

  private cells(v: StateVariable, held: Held): unknown[] {
    const out: unknown[] = [];
    v.value.write(held.value, out);
    out.push(held.expiresAt);
    return out;
  }

  private indexTtl(v: StateVariable, expiresAt: number | null, entry: Uint8Array): void {
    if (expiresAt === null) return;
    this.at().store.space('ttl').put(this.state.codecs('ttl').key.encode([expiresAt, v.name, entry]), EMPTY);
  }
}

function refuseNull(name: string, value: unknown): void {
  if (value === null || value === undefined) throw new SluiceError('INVALID_QUERY', `State variable '${name}': null is not a valid state value; call clear() (or removeKey) to drop it.`);
}

function elementOf(v: StateVariable, element: Record<string, unknown>): Held {
  const cells = v.value.fields.map((f) => element[f.name] ?? null);
  return { value: v.value.read(cells, 0), expiresAt: (element['ttlExpirationMs'] as number | null) ?? null };
}

function elementRow(v: StateVariable, held: Held): Record<string, unknown> {
  const cells: unknown[] = [];
  v.value.write(held.value, cells);
  const row: Record<string, unknown> = {};
  v.value.fields.forEach((f, i) => (row[f.name] = cells[i]));
  row['ttlExpirationMs'] = held.expiresAt;
  return row;
}
