import { Field, List, Schema, Struct, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { SluiceError } from '../../../errors.ts';
import { parseDuration } from '../../../options/units.ts';
import type { KeySpaceSpec } from '../../../state/stateStore.ts';
import { groupKeyBytesField, type GroupingKey } from '../groupedRows.ts';
import { userValueCodec, type UserValueCodec } from '../userValues.ts';
import type { MapStateOptions, StateVariableOptions } from './statefulProcessor.ts';

/** A state variable a processor declared in `init`. */
export interface StateVariable {
  readonly name: string;
  readonly kind: 'value' | 'list' | 'map';
  readonly value: UserValueCodec;
  /** Map state only: the user key's codec. */
  readonly mapKey: UserValueCodec | null;
  /** TTL in ms, or null. */
  readonly ttlMs: number | null;
  /** Its key space. */
  readonly spec: KeySpaceSpec;
}

const expiresAt = () => new Field('ttlExpirationMs', new TimestampMillisecond(), true);

/** A variable's declaration as its key space: value and list state keyed by the grouping key, map state by (grouping key, user key). */
export function declareVariable(key: GroupingKey, kind: StateVariable['kind'], name: string, options: StateVariableOptions & MapStateOptions): StateVariable {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || RESERVED.has(name)) {
    throw new SluiceError('INVALID_QUERY', `State variable name '${name}' is not allowed: use letters, digits and _ (not ${[...RESERVED].join(', ')}).`);
  }
  const ttlMs = options.ttl === undefined ? null : typeof options.ttl.ttlDuration === 'number' ? options.ttl.ttlDuration : (parseDuration(options.ttl.ttlDuration, 'ms') ?? NaN);
  if (ttlMs !== null && !(ttlMs > 0)) throw new SluiceError('INVALID_QUERY', `State variable '${name}': the TTL duration must be positive, got ${JSON.stringify(options.ttl?.ttlDuration)}.`);
  const value = userValueCodec(kind === 'map' ? options.valueSchema : options.schema, '');
  const mapKey = kind === 'map' ? userValueCodec(options.keySchema, 'userKey.') : null;
  let spec: KeySpaceSpec;
  if (kind === 'value') spec = { name, key: key.schema, value: new Schema([...value.fields, expiresAt()]) };
  else if (kind === 'list') {
    // The whole list in one entry: its elements, each with its own TTL expiry.
    const element = new Struct([...value.fields, expiresAt()]);
    spec = { name, key: key.schema, value: new Schema([new Field('elements', new List(new Field('element', element, true)), false)]) };
  } else spec = { name, key: new Schema([...key.schema.fields, ...mapKey!.fields]), value: new Schema([...value.fields, expiresAt()]), ordered: true };
  return { name, kind, value, mapKey, ttlMs, spec };
}

const RESERVED = new Set(['timers', 'timersByTime', 'ttl']);

/** The key spaces every transformWithState keeps beside its variables: timers by key, timers by time, and the TTL index. */
export function timerSpaces(key: GroupingKey): KeySpaceSpec[] {
  return [
    { name: 'timers', key: new Schema([...key.schema.fields, new Field('expiryTimestampMs', new TimestampMillisecond(), false)]), value: new Schema([]), ordered: true },
    { name: 'timersByTime', key: new Schema([new Field('expiryTimestampMs', new TimestampMillisecond(), false), groupKeyBytesField()]), value: new Schema([]), ordered: true, internal: true },
    {
      name: 'ttl',
      key: new Schema([new Field('ttlExpirationMs', new TimestampMillisecond(), false), new Field('variable', new Utf8(), false), new Field('entry', groupKeyBytesField().type, false)]),
      value: new Schema([]),
      ordered: true,
      internal: true,
    },
  ];
}

/** Spark's `StateTTL.isExpired`: a value is gone once the batch's time reaches its expiry. */
export function isExpired(expiresAtMs: number | null, batchTimestampMs: number): boolean {
  return expiresAtMs !== null && batchTimestampMs >= expiresAtMs;
}
