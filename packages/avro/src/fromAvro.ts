import type avro from 'avsc';
import { Binary } from 'apache-arrow';
import { constantArg, rowFunction, toDataType, type ScalarFunctionDefinition } from '@sluice/core/connector';
import { lit, SluiceError, type Column, type ColumnLike } from '@sluice/core';
import { optionsArg } from './functionArgs.ts';
import { SchemaRegistryClient, type SchemaRegistryOptions } from './registry/schemaRegistry.ts';
import { subjectName } from './registry/subjectName.ts';
import { avroFunctions } from './register.ts';
import { parseAvroSchema, type AvroSchema } from './schema/avroTypes.ts';
import { sparkTypeOf } from './schema/sparkType.ts';
import { avroToRow } from './schema/values.ts';
import { decodeWireFormat } from './wireFormat.ts';

/** Spark's parse modes for `from_avro`: FAILFAST (the default) fails the query on a malformed record; PERMISSIVE gives null. */
export type AvroParseMode = 'FAILFAST' | 'PERMISSIVE';

/** `fromAvro`'s options (Spark's `from_avro` options map): the parse mode and a reader schema. */
export interface FromAvroOptions {
  /** What a malformed record does (default FAILFAST). */
  readonly mode?: AvroParseMode;
  /** The reader schema (Spark's `avroSchema` option): records are resolved from the writer schema to this one (schema evolution), and the column has its type. */
  readonly avroSchema?: AvroSchema;
}

/** Reading the Confluent wire format: the writer schema of each record comes from a schema registry by its id. */
export interface FromConfluentAvroOptions extends SchemaRegistryOptions, FromAvroOptions {
  /** The subject whose latest schema is the reader schema (unless `avroSchema` is given). Default: from `topic` and the subject name strategy. */
  readonly subject?: string;
  readonly topic?: string;
  /** Whether the column holds record keys (`<topic>-key`) rather than values. */
  readonly isKey?: boolean;
  /** `io.confluent.kafka.serializers.subject.TopicNameStrategy` (default), `RecordNameStrategy` or `TopicRecordNameStrategy`. */
  readonly 'subject.name.strategy'?: string;
}

/**
 * Spark's `from_avro`: a binary column of Avro-encoded records → a column of the schema's Spark
 * type (spark-avro's type mapping, see `sparkTypeOf`). With a `jsonFormatSchema`, each value is
 * plain Avro binary written with that schema (`avroSchema` may name an evolved reader schema).
 * With registry options instead, each value is in Confluent's wire format (a zero byte, the
 * writer schema's 4-byte id, the Avro binary): writer schemas come from the registry by id
 * (cached), and records are resolved to the reader schema — `avroSchema`, or the subject's latest.
 * A malformed value fails the query (`MALFORMED_RECORD`, mode FAILFAST) or reads as null
 * (PERMISSIVE). Also in SQL: `from_avro(value, '<schema>', map('mode', 'PERMISSIVE'))`.
 *
 * @example
 * frame.pipe(select(fromAvro('value', '{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}').alias('order')))
 * frame.pipe(select(fromAvro('value', { 'schema.registry.url': 'http://registry:8081', topic: 'orders' }).alias('order')))
 */
export function fromAvro(column: ColumnLike | Column, schema: AvroSchema | FromConfluentAvroOptions, options: FromAvroOptions = {}): Column {
  const schemaArg = typeof schema === 'string' ? schema : JSON.stringify(schema);
  return avroFunctions().fromAvro(column, lit(schemaArg), lit(JSON.stringify(options)));
}

/** `from_avro(data, jsonFormatSchema [, options])` for the function registry (SQL and the Column API). */
export const fromAvroFunction: ScalarFunctionDefinition = {
  name: 'from_avro',
  family: 'user',
  arity: [2, 3],
  doc: {
    usage: 'from_avro(data, jsonFormatSchema[, options])',
    description: "Avro binary to a struct of the schema's Spark type; options: mode (FAILFAST|PERMISSIVE), avroSchema (reader schema), or schema.registry.url… for Confluent's wire format.",
    examples: [],
  },
  bind: (call) => {
    const data = call.args[0]!;
    if (!(data.type instanceof Binary)) call.fail(`from_avro reads a binary column, not ${String(data.type).toLowerCase()}`, 0, 'TYPE_MISMATCH');
    const second = constantArg(call, 1, 'the Avro schema');
    const options = { ...optionsArg(call, 2), ...(second instanceof Map ? Object.fromEntries(second) : {}) } as FromConfluentAvroOptions;
    const schema = second instanceof Map ? undefined : parseSecond(String(second));
    const registry = schema === undefined || (typeof schema === 'object' && schema !== null && 'schema.registry.url' in schema);
    const decoder = registry ? confluentDecoder({ ...(schema as object | undefined), ...options } as FromConfluentAvroOptions) : plainDecoder(schema, options);
    return rowFunction(call.outputName, toDataType(decoder.ddl), [data], (bytes) => decoder.decode(bytes as Uint8Array));
  },
};

/** The schema argument: an object when it is a JSON object (a schema, or registry options), else its text as given. */
function parseSecond(text: string): AvroSchema {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : text;
  } catch {
    return text;
  }
}

interface Decoder {
  readonly ddl: string;
  decode(bytes: Uint8Array): unknown;
}

function plainDecoder(schema: AvroSchema, options: FromAvroOptions): Decoder {
  const mode = parseMode(options.mode);
  const writer = parseAvroSchema(schema);
  const reader = options.avroSchema === undefined ? writer : parseAvroSchema(options.avroSchema);
  const resolver = reader === writer ? undefined : reader.createResolver(writer);
  const toRow = avroToRow(reader);
  return { ddl: sparkTypeOf(options.avroSchema ?? schema).ddl, decode: (bytes) => decode(bytes, (buffer) => reader.fromBuffer(buffer, resolver), toRow, mode) };
}

function confluentDecoder(options: FromConfluentAvroOptions): Decoder {
  const mode = parseMode(options.mode);
  const registry = new SchemaRegistryClient(options);
  let readerSchema = options.avroSchema;
  if (readerSchema === undefined) {
    const subject = options.subject ?? subjectName(options['subject.name.strategy'] ?? 'TopicNameStrategy', { ...(options.topic ? { topic: options.topic } : {}), isKey: String(options.isKey) === 'true' });
    readerSchema = registry.latest(subject).schema;
  }
  const reader = parseAvroSchema(readerSchema);
  const resolvers = new Map<number, avro.Resolver | undefined>();
  const resolverFor = (id: number) => {
    if (!resolvers.has(id)) {
      const writer = parseAvroSchema(registry.schemaById(id));
      resolvers.set(id, writer.fingerprint().equals(reader.fingerprint()) ? undefined : reader.createResolver(writer));
    }
    return resolvers.get(id);
  };
  const toRow = avroToRow(reader);
  return {
    ddl: sparkTypeOf(readerSchema).ddl,
    decode: (bytes) =>
      decode(bytes, (buffer) => {
        const { schemaId, payload } = decodeWireFormat(buffer);
        return reader.fromBuffer(payload, resolverFor(schemaId));
      }, toRow, mode),
  };
}

function decode(bytes: Uint8Array, read: (buffer: Buffer) => unknown, toRow: (value: unknown) => unknown, mode: AvroParseMode): unknown {
  try {
    return toRow(read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  } catch (error) {
    // A registry that cannot be asked is not a malformed record.
    if (error instanceof SluiceError && error.code === 'SCHEMA_REGISTRY_ERROR') throw error;
    if (mode === 'PERMISSIVE') return null;
    throw new SluiceError(
      'MALFORMED_RECORD',
      `Malformed records are detected in record parsing. Current parse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'. (${(error as Error).message})`,
      { cause: error, details: { function: 'from_avro' } },
    );
  }
}

function parseMode(mode: string | undefined): AvroParseMode {
  const upper = (mode ?? 'FAILFAST').toUpperCase();
  if (upper !== 'FAILFAST' && upper !== 'PERMISSIVE') {
    throw new SluiceError('INVALID_OPTION', `from_avro() doesn't support the ${mode} mode. Acceptable modes are PERMISSIVE and FAILFAST.`, { details: { option: 'mode' } });
  }
  return upper;
}

