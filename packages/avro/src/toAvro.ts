import { Binary, type DataType } from 'apache-arrow';
import { constantArg, lit, rowFunction, SluiceError, type Column, type ColumnLike, type ScalarFunctionDefinition } from '@sluice/core';
import { optionsArg } from './functionArgs.ts';
import { SchemaRegistryClient, type SchemaRegistryOptions } from './registry/schemaRegistry.ts';
import { subjectName } from './registry/subjectName.ts';
import { avroFunctions } from './register.ts';
import { avroSchemaOf } from './schema/avroSchemaOf.ts';
import { parseAvroSchema, type AvroSchema } from './schema/avroTypes.ts';
import { rowToAvro } from './schema/values.ts';
import { encodeWireFormat } from './wireFormat.ts';

/** Writing the Confluent wire format: the schema is registered (or found) under a subject, and its id goes before each record. */
export interface ToConfluentAvroOptions extends SchemaRegistryOptions {
  /** The Avro schema to write with; default the one Spark derives from the column's type. */
  readonly schema?: AvroSchema;
  readonly subject?: string;
  readonly topic?: string;
  readonly isKey?: boolean;
  readonly 'subject.name.strategy'?: string;
}

/**
 * Spark's `to_avro`: a column → Avro binary, written with `schema`, or by default with the schema
 * Spark derives from the column's type (`avroSchemaOf`: a record named `topLevelRecord`, nullable
 * fields as unions with null). With registry options, the schema is registered under its subject
 * and values are written in Confluent's wire format. A null input is a null output. Also in SQL:
 * `to_avro(order)`, `to_avro(order, '<schema>')`.
 *
 * @example frame.pipe(select(col('id').cast('string').alias('key'), toAvro('order').alias('value')))
 */
export function toAvro(column: ColumnLike | Column, schema?: AvroSchema | ToConfluentAvroOptions): Column {
  const { toAvro: build } = avroFunctions();
  if (schema === undefined) return build(column);
  return build(column, lit(typeof schema === 'string' ? schema : JSON.stringify(schema)));
}

/** `to_avro(data [, jsonFormatSchema | options])` for the function registry. */
export const toAvroFunction: ScalarFunctionDefinition = {
  name: 'to_avro',
  family: 'user',
  arity: [1, 2],
  doc: { usage: 'to_avro(data[, jsonFormatSchema])', description: "A value as Avro binary, with the given schema or the one Spark derives from the value's type.", examples: [] },
  bind: (call) => {
    const data = call.args[0]!;
    let given: AvroSchema | undefined;
    let registry: ToConfluentAvroOptions | undefined;
    if (call.args.length > 1) {
      const second = constantArg(call, 1, 'the Avro schema');
      const parsed = second instanceof Map ? Object.fromEntries(second) : parseJson(String(second));
      if (parsed && typeof parsed === 'object' && 'schema.registry.url' in parsed) registry = parsed as ToConfluentAvroOptions;
      else given = (parsed ?? String(second)) as AvroSchema;
      if (registry) registry = { ...registry, ...optionsArg(call, 2) };
    }
    const schema = given ?? registry?.schema ?? (avroSchemaOf(data.type as DataType) as AvroSchema);
    const type = parseAvroSchema(typeof schema === 'string' && !/^\s*[[{"]/.test(schema) ? (avroSchemaOf(schema) as AvroSchema) : schema);
    const toValue = rowToAvro(type);
    let schemaId: number | undefined;
    if (registry) {
      const recordName = (type as unknown as { name?: string }).name;
      const subject =
        registry.subject ??
        subjectName(registry['subject.name.strategy'] ?? 'TopicNameStrategy', { ...(registry.topic ? { topic: registry.topic } : {}), isKey: String(registry.isKey) === 'true', ...(recordName ? { recordName } : {}) });
      schemaId = new SchemaRegistryClient(registry).register(subject, JSON.stringify(type.schema()));
    }
    return rowFunction(call.outputName, new Binary(), [data], (value) => {
      let bytes: Uint8Array;
      try {
        bytes = type.toBuffer(toValue(value));
      } catch (error) {
        throw new SluiceError('MALFORMED_RECORD', `to_avro cannot write a value of ${call.outputName} with the Avro schema: ${(error as Error).message}.`, { cause: error, details: { function: 'to_avro' } });
      }
      return schemaId === undefined ? new Uint8Array(bytes) : encodeWireFormat(schemaId, bytes);
    });
  },
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
