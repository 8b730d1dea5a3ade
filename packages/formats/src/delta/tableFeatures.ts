/**
 * What this client can do with a table, decided from its protocol and metadata (PROTOCOL.md,
 * "DeltaProtocol Evolution", "Table Features", "Reader/Writer Version Requirements"). A table that
 * needs something Sluice lacks is refused with `DELTA_UNSUPPORTED_FEATURE` naming the feature:
 * reading it anyway would return wrong rows (deleted rows back, columns missing).
 */
import { SluiceError, type JsonValue } from '@sluice/core';
import type { DeltaMetadata, DeltaProtocol } from './actions.ts';
import type { DeltaStructType, DeltaType } from './deltaSchema.ts';

/** Reader features Sluice implements. */
export const DELTA_READER_FEATURES: ReadonlySet<string> = new Set(['columnMapping', 'deletionVectors', 'timestampNtz', 'vacuumProtocolCheck']);

/** The column mapping mode a table reads with. */
export type ColumnMappingMode = 'none' | 'name' | 'id';

export function columnMappingMode(protocol: DeltaProtocol, metadata: DeltaMetadata): ColumnMappingMode {
  const enabled = protocol.minReaderVersion === 2 || (protocol.readerFeatures ?? []).includes('columnMapping');
  if (!enabled) return 'none';
  const mode = metadata.configuration['delta.columnMapping.mode'] ?? 'none';
  if (mode === 'none' || mode === 'name' || mode === 'id') return mode;
  throw unsupported(`delta.columnMapping.mode=${mode}`, `its column mapping mode '${mode}' is unknown`);
}

/** Throws unless Sluice can read a table with this protocol. */
export function checkDeltaReadable(protocol: DeltaProtocol, metadata: DeltaMetadata, where: string): void {
  if (protocol.minReaderVersion > 3) {
    throw unsupported(`readerVersion ${protocol.minReaderVersion}`, `${where} needs Delta reader version ${protocol.minReaderVersion}; Sluice implements reader versions 1 to 3`);
  }
  if (protocol.minReaderVersion === 3) {
    const missing = (protocol.readerFeatures ?? []).filter((f) => !DELTA_READER_FEATURES.has(f));
    if (missing.length > 0) {
      throw unsupported(missing[0]!, `${where} needs the reader feature${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}, which Sluice does not implement (it reads: ${[...DELTA_READER_FEATURES].join(', ')})`);
    }
  }
  columnMappingMode(protocol, metadata);
}

/** Writer features Sluice honors when they are present but not in use (see `checkDeltaWritable`). */
const WRITER_FEATURES: ReadonlySet<string> = new Set([
  'appendOnly', 'invariants', 'checkConstraints', 'changeDataFeed', 'generatedColumns', 'columnMapping', 'identityColumns', 'domainMetadata', 'vacuumProtocolCheck',
]);

/**
 * Throws unless Sluice can write this table correctly. Writer versions imply features (2:
 * invariants, 3: CHECK constraints, 4: change data feed and generated columns, 5: column mapping,
 * 6: identity columns, 7: the listed features); a feature is fine while it is not in use.
 */
export function checkDeltaWritable(protocol: DeltaProtocol, metadata: DeltaMetadata, schema: DeltaStructType, where: string): void {
  checkDeltaReadable(protocol, metadata, where);
  const writer = protocol.minWriterVersion;
  if (writer > 7) throw unsupported(`writerVersion ${writer}`, `${where} needs Delta writer version ${writer}; Sluice implements writer versions up to 7`);
  const features = new Set<string>(writer === 7 ? (protocol.writerFeatures ?? []) : []);
  const implied = (version: number, feature: string) => (writer === 7 ? features.has(feature) : writer >= version);
  for (const feature of features) {
    if (!WRITER_FEATURES.has(feature)) throw unsupported(feature, `${where} needs the writer feature '${feature}', which Sluice does not implement; write it with Spark or delta-rs`);
  }
  const fieldKeys = metadataKeys(schema);
  const config = metadata.configuration;
  if (implied(2, 'invariants') && fieldKeys.has('delta.invariants')) throw inUse('invariants', where, 'has column invariants (delta.invariants)');
  if (implied(3, 'checkConstraints') && Object.keys(config).some((k) => k.startsWith('delta.constraints.'))) throw inUse('checkConstraints', where, 'has CHECK constraints');
  if (writer >= 3 && config['delta.checkpoint.writeStatsAsStruct'] === 'true') throw inUse('delta.checkpoint.writeStatsAsStruct', where, 'asks for struct statistics in checkpoints');
  if (implied(4, 'changeDataFeed') && config['delta.enableChangeDataFeed'] === 'true') throw inUse('changeDataFeed', where, 'has the change data feed enabled');
  if (implied(4, 'generatedColumns') && fieldKeys.has('delta.generationExpression')) throw inUse('generatedColumns', where, 'has generated columns');
  if (implied(5, 'columnMapping') && (config['delta.columnMapping.mode'] ?? 'none') !== 'none') throw inUse('columnMapping', where, 'uses column mapping');
  if (implied(6, 'identityColumns') && [...fieldKeys].some((k) => k.startsWith('delta.identity.'))) throw inUse('identityColumns', where, 'has identity columns');
}

/** Every column-metadata key used anywhere in the schema. */
function metadataKeys(schema: DeltaStructType): Set<string> {
  const keys = new Set<string>();
  const visit = (type: DeltaType): void => {
    if (typeof type === 'string') return;
    if (type.type === 'struct') {
      for (const field of type.fields) {
        for (const key of Object.keys(field.metadata as Record<string, JsonValue>)) keys.add(key);
        visit(field.type);
      }
    } else if (type.type === 'array') visit(type.elementType);
    else {
      visit(type.keyType);
      visit(type.valueType);
    }
  };
  visit(schema);
  return keys;
}

function inUse(feature: string, where: string, what: string): SluiceError {
  return unsupported(feature, `${where} ${what} (table feature '${feature}'), which Sluice cannot enforce when writing; write it with Spark or delta-rs`);
}

function unsupported(feature: string, message: string): SluiceError {
  return new SluiceError('DELTA_UNSUPPORTED_FEATURE', `${message}.`, { details: { feature } });
}
