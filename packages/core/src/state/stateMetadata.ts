import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import { corrupt } from '../checkpoint/logEntries.ts';
import { SluiceError } from '../errors.ts';
import { unsupportedStateFile } from './files/stateFile.ts';
import { describeField, schemaToJson, type FieldJson } from './schemaJson.ts';
import type { StateSchema } from './stateStore.ts';

/** Sluice's state metadata format: a newer one is refused by this version, never guessed at. */
export const STATE_METADATA_FORMAT = 1;

/** What `state/<operatorId>/_metadata/sluice` records at an operator's first batch; fixed afterwards. */
export interface OperatorStateMetadata {
  readonly format: number;
  readonly operatorId: number;
  readonly operatorName: string;
  /** The provider's name (`memory`, `rocksdb`): a restart uses it whatever the query asks (as Spark restores its providerClass). */
  readonly provider: string;
  readonly numPartitions: number;
  /** The first version with a delta file; the state before it is empty (1, or the version state was migrated at). */
  readonly firstVersion: number;
  readonly keySpaces: readonly KeySpaceJson[];
}

export interface KeySpaceJson {
  readonly name: string;
  readonly ordered: boolean;
  readonly internal: boolean;
  readonly key: readonly FieldJson[];
  readonly value: readonly FieldJson[];
}

export function metadataPath(operatorId: number): string {
  return `state/${operatorId}/_metadata/sluice`;
}

export function keySpacesToJson(schema: StateSchema): KeySpaceJson[] {
  return schema.keySpaces.map((s) => ({ name: s.name, ordered: s.ordered ?? false, internal: s.internal ?? false, key: schemaToJson(s.key), value: schemaToJson(s.value) }));
}

/** What an operator's state directory holds, judged without changing a byte of it. */
export type StateDirectory =
  | { readonly kind: 'empty' }
  | { readonly kind: 'sluice'; readonly metadata: OperatorStateMetadata }
  /** Whole JSON snapshots (`state/<op>/0/<v>.snapshot`) of Sluice before the incremental store. */
  | { readonly kind: 'legacy'; readonly versions: readonly number[] };

/** Read `state/<operatorId>/`: ours (with metadata), an earlier Sluice's, empty — or refuse it as foreign. */
export async function inspectStateDirectory(store: CheckpointStore, operatorId: number): Promise<StateDirectory> {
  const dir = `state/${operatorId}`;
  const location = (path: string) => `${store.location.replace(/\/$/, '')}/${path}`;
  const entries = await store.list(dir);
  if (entries.includes('_metadata')) {
    const names = await store.list(`${dir}/_metadata`);
    if (names.includes('sluice')) return { kind: 'sluice', metadata: await readMetadata(store, operatorId) };
    const file = `${dir}/_metadata/${names[0] ?? ''}`;
    throw new SluiceError(
      'STATE_FORMAT_UNSUPPORTED',
      `The state of operator ${operatorId} was written by Apache Spark (operator metadata ${location(file)}); Sluice cannot read Spark's state and will not start with empty state in its place. Resume this checkpoint with Spark, or start the query with a new checkpointLocation.`,
      { details: { file: location(file) } },
    );
  }
  const partitions = entries.filter((e) => /^\d+$/.test(e)).sort((a, b) => Number(a) - Number(b));
  for (const partition of partitions) {
    const files = (await store.list(`${dir}/${partition}`)).filter((f) => !f.startsWith('_'));
    if (files.length === 0) continue;
    const snapshots = files.map((f) => /^(\d+)\.snapshot$/.exec(f)).filter((m) => m !== null).map((m) => Number(m[1]));
    if (partition === '0' && snapshots.length === files.length) {
      const head = await store.readBytes(`${dir}/${partition}/${snapshots.sort((a, b) => a - b)[0]}.snapshot`);
      if (head && Buffer.from(head.subarray(0, 3)).toString('latin1') === 'v1\n') return { kind: 'legacy', versions: snapshots };
    }
    const first = await firstFile(store, `${dir}/${partition}`, files.sort());
    throw unsupportedStateFile(location(first?.path ?? `${dir}/${partition}/${files[0]}`), first?.bytes ?? new Uint8Array());
  }
  const other = entries.find((e) => !/^\d+$/.test(e));
  if (other !== undefined) throw unsupportedStateFile(location(`${dir}/${other}`), new Uint8Array());
  return { kind: 'empty' };
}

/**
 * The first file under `dir` (depth first, names sorted), with its bytes: Spark keeps a join's
 * four stores (`left-keyToNumValues/`, …) and checkpoint v2's store names as folders inside
 * each partition, and the refusal must name a file, not fail reading a folder.
 */
async function firstFile(store: CheckpointStore, dir: string, names: readonly string[]): Promise<{ path: string; bytes: Uint8Array } | undefined> {
  for (const name of names) {
    const path = `${dir}/${name}`;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await store.readBytes(path);
    } catch {
      bytes = undefined; // a folder (EISDIR): look inside
    }
    if (bytes !== undefined) return { path, bytes };
    const inner = await store.list(path).catch(() => []);
    const found = await firstFile(store, path, inner.filter((f) => !f.startsWith('_')).sort());
    if (found) return found;
  }
  return undefined;
}

export async function readMetadata(store: CheckpointStore, operatorId: number): Promise<OperatorStateMetadata> {
  const path = metadataPath(operatorId);
  const file = `${store.location.replace(/\/$/, '')}/${path}`;
  const text = await store.read(path);
  if (text === undefined) throw corrupt(file, 'it is missing');
  const newline = text.indexOf('\n');
  const version = /^v(\d+)$/.exec(text.slice(0, newline))?.[1];
  if (version === undefined) throw corrupt(file, 'its first line is not a version like "v1"');
  let metadata: OperatorStateMetadata;
  try {
    metadata = JSON.parse(text.slice(newline + 1)) as OperatorStateMetadata;
  } catch {
    throw corrupt(file, 'its content is not valid JSON');
  }
  if (Number(version) !== STATE_METADATA_FORMAT || metadata.format !== STATE_METADATA_FORMAT) {
    throw new SluiceError('STATE_FORMAT_UNSUPPORTED', `The state of operator ${operatorId} is in state format ${metadata.format ?? version} (${file}), which this version of Sluice cannot read (it reads format ${STATE_METADATA_FORMAT}). Run the query with the Sluice version that wrote it, or start it with a new checkpointLocation.`, { details: { file } });
  }
  if (!Array.isArray(metadata.keySpaces) || !Number.isInteger(metadata.numPartitions) || typeof metadata.provider !== 'string') throw corrupt(file, 'it lacks keySpaces, numPartitions or provider');
  return metadata;
}

export async function writeMetadata(store: CheckpointStore, metadata: OperatorStateMetadata): Promise<void> {
  await store.write(metadataPath(metadata.operatorId), `v${STATE_METADATA_FORMAT}\n${JSON.stringify(metadata)}`, { ifAbsent: true });
}

/**
 * Refuse a query whose state no longer fits the recorded one: another operator, other key
 * spaces, other key types, other value columns (aggregate functions are value column names, so
 * `sum` → `avg`, or `count` → `sum` over the same type, is caught, where Spark compares only
 * types). Renamed key columns are allowed, as in Spark.
 */
export function checkStateSchema(recorded: OperatorStateMetadata, operatorName: string, schema: StateSchema, file: string): void {
  const now = keySpacesToJson(schema);
  const changes: string[] = [];
  if (recorded.operatorName !== operatorName) changes.push(`the operator was ${recorded.operatorName}, now ${operatorName}`);
  const names = (list: readonly KeySpaceJson[]) => list.map((s) => s.name).join(', ');
  if (names(recorded.keySpaces) !== names(now)) changes.push(`key spaces were [${names(recorded.keySpaces)}], now [${names(now)}]`);
  else {
    recorded.keySpaces.forEach((before, i) => {
      const after = now[i]!;
      const where = recorded.keySpaces.length > 1 ? ` of key space '${before.name}'` : '';
      compareFields(before.key, after.key, `key${where}`, false, changes);
      compareFields(before.value, after.value, `value${where}`, true, changes);
      if (before.ordered !== after.ordered) changes.push(`key space '${before.name}' was ${before.ordered ? '' : 'not '}ordered`);
    });
  }
  if (changes.length === 0) return;
  throw new SluiceError(
    'STATE_SCHEMA_MISMATCH',
    `The query's state schema does not match the state in the checkpoint (${file}) for operator ${recorded.operatorId} (${recorded.operatorName}): ${changes.join('; ')}. A changed grouping or aggregation cannot reuse its old state. Restore the query as it was, or start it with a new checkpointLocation.`,
    { details: { file, operatorId: recorded.operatorId, changes } },
  );
}

function compareFields(before: readonly FieldJson[], after: readonly FieldJson[], what: string, namesMatter: boolean, changes: string[]): void {
  const show = (fields: readonly FieldJson[]) => fields.map(describeField).join(', ');
  if (before.length !== after.length) {
    changes.push(`${what} columns were (${show(before)}), now (${show(after)})`);
    return;
  }
  before.forEach((b, i) => {
    const a = after[i]!;
    if (JSON.stringify(b.type) !== JSON.stringify(a.type) || (namesMatter && b.name !== a.name)) changes.push(`${what} column ${i + 1} was ${describeField(b)}, now ${describeField(a)}`);
  });
}
