/**
 * The actions of Delta's transaction log (PROTOCOL.md, "Actions"): what one line of a commit
 * file or one row of a checkpoint holds. Parsing is tolerant as the protocol demands: unknown
 * actions and unknown fields are ignored, so a table written by a newer engine still reads.
 */
import { SluiceError, type JsonValue } from '@sluice/core';

/** The protocol versions (and, from reader 3 / writer 7, the table features) a client needs. */
export interface DeltaProtocol {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures?: readonly string[];
  readonly writerFeatures?: readonly string[];
}

/** The table's metadata: identity, schema (as Delta's JSON schema string), partitioning, properties. */
export interface DeltaMetadata {
  readonly id: string;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly format: { readonly provider: string; readonly options: Readonly<Record<string, string>> };
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number | null;
}

/** Where a file's deleted rows are recorded (PROTOCOL.md, "Deletion Vectors"). */
export interface DeletionVectorDescriptor {
  readonly storageType: string;
  readonly pathOrInlineDv: string;
  readonly offset?: number | null;
  readonly sizeInBytes: number;
  readonly cardinality: number;
}

/** A data file joining the table. `path` is a URI relative to the table root (or absolute). */
export interface AddFile {
  readonly path: string;
  /** Partition column → value serialized as Delta does; null for a null partition. */
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** JSON of `{numRecords, minValues, maxValues, nullCount}`. */
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string | null>> | null;
  readonly deletionVector?: DeletionVectorDescriptor | null;
  readonly baseRowId?: number | null;
  readonly defaultRowCommitVersion?: number | null;
}

/** A data file leaving the table; kept as a tombstone until vacuum may delete the file. */
export interface RemoveFile {
  readonly path: string;
  readonly deletionTimestamp?: number | null;
  readonly dataChange: boolean;
  readonly extendedFileMetadata?: boolean | null;
  readonly partitionValues?: Readonly<Record<string, string | null>> | null;
  readonly size?: number | null;
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string | null>> | null;
  readonly deletionVector?: DeletionVectorDescriptor | null;
}

/** An application's progress marker, committed atomically with its data (exactly-once writers). */
export interface DeltaTxn {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number | null;
}

/** A named metadata domain (writer feature `domainMetadata`); kept so checkpoints preserve it. */
export interface DomainMetadata {
  readonly domain: string;
  readonly configuration: string;
  readonly removed: boolean;
}

/** Provenance of a commit: free-form JSON (timestamp, operation, operationParameters …). */
export type DeltaCommitInfo = Readonly<Record<string, JsonValue>>;

export type DeltaAction =
  | { readonly kind: 'protocol'; readonly protocol: DeltaProtocol }
  | { readonly kind: 'metaData'; readonly metaData: DeltaMetadata }
  | { readonly kind: 'add'; readonly add: AddFile }
  | { readonly kind: 'remove'; readonly remove: RemoveFile }
  | { readonly kind: 'txn'; readonly txn: DeltaTxn }
  | { readonly kind: 'domainMetadata'; readonly domainMetadata: DomainMetadata }
  | { readonly kind: 'commitInfo'; readonly commitInfo: DeltaCommitInfo }
  | { readonly kind: 'cdc'; readonly path: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A string map as the log holds it; values stay strings or null. */
function stringMap(v: unknown): Record<string, string | null> {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), x == null ? null : String(x)]));
  if (!isObject(v)) return {};
  const out: Record<string, string | null> = {};
  for (const [k, x] of Object.entries(v)) out[k] = x == null ? null : String(x);
  return out;
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function deletionVector(v: unknown): DeletionVectorDescriptor | null {
  if (!isObject(v) || typeof v['storageType'] !== 'string' || typeof v['pathOrInlineDv'] !== 'string') return null;
  const offset = num(v['offset']);
  return {
    storageType: v['storageType'],
    pathOrInlineDv: v['pathOrInlineDv'],
    ...(offset === undefined ? {} : { offset }),
    sizeInBytes: num(v['sizeInBytes']) ?? 0,
    cardinality: num(v['cardinality']) ?? 0,
  };
}

/**
 * The action one log line (or one checkpoint row, already as an object) describes, or
 * `undefined` for an action this reader does not use. `where` names the file in errors.
 */
export function parseDeltaAction(value: unknown, where: string): DeltaAction | undefined {
  if (!isObject(value)) throw corrupt(where, 'a line is not a JSON object');
  for (const [key, body] of Object.entries(value)) {
    if (body == null) continue; // checkpoint rows carry every action column, all but one null
    switch (key) {
      case 'add':
        return { kind: 'add', add: parseAdd(body, where) };
      case 'remove':
        return { kind: 'remove', remove: parseRemove(body, where) };
      case 'metaData':
        return { kind: 'metaData', metaData: parseMetadata(body, where) };
      case 'protocol':
        return { kind: 'protocol', protocol: parseProtocol(body, where) };
      case 'txn': {
        if (!isObject(body) || typeof body['appId'] !== 'string' || num(body['version']) === undefined) throw corrupt(where, 'a txn action lacks appId or version');
        const lastUpdated = num(body['lastUpdated']);
        return { kind: 'txn', txn: { appId: body['appId'], version: num(body['version'])!, ...(lastUpdated === undefined ? {} : { lastUpdated }) } };
      }
      case 'domainMetadata':
        if (!isObject(body) || typeof body['domain'] !== 'string') return undefined;
        return { kind: 'domainMetadata', domainMetadata: { domain: body['domain'], configuration: str(body['configuration']) ?? '', removed: body['removed'] === true } };
      case 'commitInfo':
        return isObject(body) ? { kind: 'commitInfo', commitInfo: body as DeltaCommitInfo } : undefined;
      case 'cdc':
        return isObject(body) && typeof body['path'] === 'string' ? { kind: 'cdc', path: body['path'] } : undefined;
      default:
        continue; // unknown actions (checkpointMetadata, sidecar …) do not change what this reader returns
    }
  }
  return undefined;
}

function parseAdd(body: unknown, where: string): AddFile {
  if (!isObject(body) || typeof body['path'] !== 'string') throw corrupt(where, 'an add action has no path');
  const dv = deletionVector(body['deletionVector']);
  const stats = str(body['stats']);
  const baseRowId = num(body['baseRowId']);
  const defaultRowCommitVersion = num(body['defaultRowCommitVersion']);
  return {
    path: body['path'],
    partitionValues: stringMap(body['partitionValues']),
    size: num(body['size']) ?? 0,
    modificationTime: num(body['modificationTime']) ?? 0,
    dataChange: body['dataChange'] !== false,
    ...(stats === undefined ? {} : { stats }),
    ...(body['tags'] == null ? {} : { tags: stringMap(body['tags']) }),
    ...(dv === null ? {} : { deletionVector: dv }),
    ...(baseRowId === undefined ? {} : { baseRowId }),
    ...(defaultRowCommitVersion === undefined ? {} : { defaultRowCommitVersion }),
  };
}

function parseRemove(body: unknown, where: string): RemoveFile {
  if (!isObject(body) || typeof body['path'] !== 'string') throw corrupt(where, 'a remove action has no path');
  const dv = deletionVector(body['deletionVector']);
  const deletionTimestamp = num(body['deletionTimestamp']);
  const size = num(body['size']);
  return {
    path: body['path'],
    dataChange: body['dataChange'] !== false,
    ...(deletionTimestamp === undefined ? {} : { deletionTimestamp }),
    ...(body['extendedFileMetadata'] == null ? {} : { extendedFileMetadata: body['extendedFileMetadata'] === true }),
    ...(body['partitionValues'] == null ? {} : { partitionValues: stringMap(body['partitionValues']) }),
    ...(size === undefined ? {} : { size }),
    ...(dv === null ? {} : { deletionVector: dv }),
  };
}

function parseMetadata(body: unknown, where: string): DeltaMetadata {
  if (!isObject(body) || typeof body['schemaString'] !== 'string') throw corrupt(where, 'a metaData action has no schemaString');
  const format = isObject(body['format']) ? body['format'] : {};
  const createdTime = num(body['createdTime']);
  return {
    id: str(body['id']) ?? '',
    ...(typeof body['name'] === 'string' ? { name: body['name'] } : {}),
    ...(typeof body['description'] === 'string' ? { description: body['description'] } : {}),
    format: { provider: str(format['provider']) ?? 'parquet', options: stringMap(format['options']) as Record<string, string> },
    schemaString: body['schemaString'],
    partitionColumns: stringList(body['partitionColumns']) ?? [],
    configuration: stringMap(body['configuration']) as Record<string, string>,
    ...(createdTime === undefined ? {} : { createdTime }),
  };
}

function parseProtocol(body: unknown, where: string): DeltaProtocol {
  if (!isObject(body)) throw corrupt(where, 'a protocol action is not an object');
  const readerFeatures = stringList(body['readerFeatures']);
  const writerFeatures = stringList(body['writerFeatures']);
  return {
    minReaderVersion: num(body['minReaderVersion']) ?? 1,
    minWriterVersion: num(body['minWriterVersion']) ?? 1,
    ...(readerFeatures === undefined ? {} : { readerFeatures }),
    ...(writerFeatures === undefined ? {} : { writerFeatures }),
  };
}

/** The actions of a commit file's text (newline-delimited JSON). */
export function parseDeltaCommit(text: string, where: string): DeltaAction[] {
  const actions: DeltaAction[] = [];
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw corrupt(where, `line ${lineNumber} is not valid JSON (${(e as Error).message})`);
    }
    const action = parseDeltaAction(value, `${where} line ${lineNumber}`);
    if (action !== undefined) actions.push(action);
  }
  return actions;
}

/** One log line for an action, in Delta's JSON shape (`{"add":{…}}`). */
export function serializeDeltaAction(action: DeltaAction): string {
  switch (action.kind) {
    case 'protocol':
      return JSON.stringify({ protocol: action.protocol });
    case 'metaData':
      return JSON.stringify({ metaData: action.metaData });
    case 'add':
      return JSON.stringify({ add: action.add });
    case 'remove':
      return JSON.stringify({ remove: action.remove });
    case 'txn':
      return JSON.stringify({ txn: action.txn });
    case 'domainMetadata':
      return JSON.stringify({ domainMetadata: action.domainMetadata });
    case 'commitInfo':
      return JSON.stringify({ commitInfo: action.commitInfo });
    case 'cdc':
      return JSON.stringify({ cdc: { path: action.path, partitionValues: {}, size: 0, dataChange: false } });
  }
}

function corrupt(where: string, reason: string): SluiceError {
  return new SluiceError('FILE_CORRUPT', `The Delta log file ${where} cannot be read: ${reason}. The log is damaged; restore the file from a backup.`, {
    details: { file: where },
  });
}
