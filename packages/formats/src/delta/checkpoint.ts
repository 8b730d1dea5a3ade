/**
 * Parquet checkpoints (PROTOCOL.md, "Checkpoints", V1 spec, classic naming): one row per action,
 * one struct column per action kind. Written in the column layout Spark's Delta writes
 * (`txn`, `add`, `remove`, `metaData`, `protocol`), so Spark and delta-rs read our checkpoints
 * and we read theirs.
 */
import { Bool, Field, Int32, Int64, List, Map_, Schema, Struct, Utf8, type DataType } from 'apache-arrow';
import { tableFromVectors, vectorFromValues } from '@sluice/core/connector';
import { tableToRows } from '@sluice/core';
import { readParquet, writeParquet } from '../parquet/parquet.ts';
import { parseDeltaAction, type DeltaAction } from './actions.ts';
import type { DeltaSnapshot } from './snapshot.ts';

/** The actions a checkpoint file holds. */
export function readCheckpoint(bytes: Uint8Array, where: string): DeltaAction[] {
  const table = readParquet(bytes, { file: where });
  const actions: DeltaAction[] = [];
  for (const row of tableToRows(table)) {
    const action = parseDeltaAction(plain(row), where);
    if (action !== undefined) actions.push(action);
  }
  return actions;
}

/** Checkpoint rows hold bigints and Arrow map views; actions are plain JSON. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
  const json = typeof (value as { toJSON?: () => unknown }).toJSON === 'function' ? (value as { toJSON: () => unknown }).toJSON() : value;
  if (json !== value) return plain(json);
  if (ArrayBuffer.isView(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
}

const stringMap = (): DataType =>
  new Map_(new Field('key_value', new Struct([new Field('key', new Utf8(), false), new Field('value', new Utf8(), true)]), false) as never);
const f = (name: string, type: DataType): Field => new Field(name, type, true);

const TXN = new Struct([f('appId', new Utf8()), f('version', new Int64()), f('lastUpdated', new Int64())]);
const ADD = new Struct([
  f('path', new Utf8()), f('partitionValues', stringMap()), f('size', new Int64()), f('modificationTime', new Int64()),
  f('dataChange', new Bool()), f('tags', stringMap()), f('stats', new Utf8()),
]);
const REMOVE = new Struct([
  f('path', new Utf8()), f('deletionTimestamp', new Int64()), f('dataChange', new Bool()), f('extendedFileMetadata', new Bool()),
  f('partitionValues', stringMap()), f('size', new Int64()),
]);
const METADATA = new Struct([
  f('id', new Utf8()), f('name', new Utf8()), f('description', new Utf8()),
  f('format', new Struct([f('provider', new Utf8()), f('options', stringMap())])),
  f('schemaString', new Utf8()), f('partitionColumns', new List(f('element', new Utf8()))), f('configuration', stringMap()), f('createdTime', new Int64()),
]);
const stringList = () => new List(f('element', new Utf8()));
const DOMAIN = new Struct([f('domain', new Utf8()), f('configuration', new Utf8()), f('removed', new Bool())]);

const big = (n: number | null | undefined): bigint | null => (n === null || n === undefined ? null : BigInt(Math.trunc(n)));

/**
 * The bytes of a checkpoint of `snapshot`, and how many actions and live files it holds.
 * Tombstones older than `tombstoneRetentionMs` (`delta.deletedFileRetentionDuration`) are dropped, as Delta does.
 */
export function writeCheckpoint(snapshot: DeltaSnapshot, nowMs: number, tombstoneRetentionMs: number): { bytes: Uint8Array; size: number; numOfAddFiles: number } {
  const { protocol, metadata } = snapshot;
  const hasFeatures = protocol.readerFeatures !== undefined || protocol.writerFeatures !== undefined;
  const protocolType = new Struct([
    f('minReaderVersion', new Int32()), f('minWriterVersion', new Int32()),
    ...(hasFeatures ? [f('readerFeatures', stringList()), f('writerFeatures', stringList())] : []),
  ]);
  const domains = snapshot.domainMetadata;
  const rows: Record<string, unknown>[] = [];
  rows.push({ protocol: { minReaderVersion: protocol.minReaderVersion, minWriterVersion: protocol.minWriterVersion, readerFeatures: protocol.readerFeatures ?? null, writerFeatures: protocol.writerFeatures ?? null } });
  rows.push({
    metaData: {
      id: metadata.id, name: metadata.name ?? null, description: metadata.description ?? null,
      format: { provider: metadata.format.provider, options: metadata.format.options },
      schemaString: metadata.schemaString, partitionColumns: metadata.partitionColumns, configuration: metadata.configuration,
      createdTime: big(metadata.createdTime),
    },
  });
  for (const t of snapshot.txns) rows.push({ txn: { appId: t.appId, version: big(t.version), lastUpdated: big(t.lastUpdated) } });
  for (const d of domains) rows.push({ domainMetadata: d });
  const files = snapshot.files;
  for (const a of files) {
    rows.push({
      add: {
        path: a.path, partitionValues: a.partitionValues, size: big(a.size), modificationTime: big(a.modificationTime),
        dataChange: false, tags: a.tags ?? null, stats: a.stats ?? null,
      },
    });
  }
  const horizon = nowMs - tombstoneRetentionMs;
  for (const r of snapshot.tombstones) {
    if ((r.deletionTimestamp ?? 0) < horizon) continue;
    rows.push({
      remove: {
        path: r.path, deletionTimestamp: big(r.deletionTimestamp), dataChange: false, extendedFileMetadata: r.extendedFileMetadata ?? null,
        partitionValues: r.partitionValues ?? null, size: big(r.size),
      },
    });
  }
  const columns: [string, DataType][] = [['txn', TXN], ['add', ADD], ['remove', REMOVE], ['metaData', METADATA], ['protocol', protocolType]];
  if (domains.length > 0) columns.push(['domainMetadata', DOMAIN]);
  const schema = new Schema(columns.map(([name, type]) => f(name, type)));
  const table = tableFromVectors(schema, columns.map(([name, type]) => vectorFromValues(type, rows.map((r) => r[name] ?? null))));
  return { bytes: writeParquet(table, { compression: 'snappy' }), size: rows.length, numOfAddFiles: files.length };
}
