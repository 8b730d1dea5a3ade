import { SluiceError, udf, type Column, type ColumnLike } from '@sluice/core';
import { columnReader } from './columnInput.ts';
import { SchemaRegistryClient, type SchemaRegistryOptions } from './registry/schemaRegistry.ts';
import { subjectName } from './registry/subjectName.ts';
import { avroSchemaOf } from './schema/avroSchemaOf.ts';
import { parseAvroSchema, type AvroSchema } from './schema/avroTypes.ts';
import { rowToAvro } from './schema/values.ts';
import { encodeWireFormat } from './wireFormat.ts';

/** Writing the Confluent wire format: the schema is registered (or found) under a subject, and its id goes before each record. */
export interface ToConfluentAvroOptions extends SchemaRegistryOptions {
  /** The Avro schema to write with, or the column's Spark type as DDL (`struct<id:bigint,…>`, converted as Spark's to_avro does). */
  readonly schema: AvroSchema;
  readonly subject?: string;
  readonly topic?: string;
  readonly isKey?: boolean;
  readonly 'subject.name.strategy'?: string;
}

/**
 * Spark's `to_avro`: a column → Avro binary. `schema` is the Avro schema to write with, or the
 * column's Spark type as DDL (`'struct<id:bigint,name:string>'`), from which the schema is made as
 * Spark's `to_avro(col)` makes it (`avroSchemaOf`: a record named `topLevelRecord`, nullable
 * fields as unions with null). With registry options, the schema is registered under its subject
 * and values are written in Confluent's wire format. A null input is a null output.
 *
 * @example frame.pipe(select(col('id').cast('string').alias('key'), toAvro('order', 'struct<id:bigint,amount:double>').alias('value')))
 */
export function toAvro(column: ColumnLike | Column, schema: AvroSchema | ToConfluentAvroOptions): Column {
  const input = columnReader(column, 'toAvro');
  const registry = typeof schema === 'object' && schema !== null && 'schema.registry.url' in schema ? (schema as ToConfluentAvroOptions) : undefined;
  const avroSchema = resolveSchema(registry ? registry.schema : (schema as AvroSchema));
  const type = parseAvroSchema(avroSchema);
  const toValue = rowToAvro(type);
  let schemaId: number | undefined;
  if (registry) {
    const recordName = (type as unknown as { name?: string }).name;
    const subject =
      registry.subject ??
      subjectName(registry['subject.name.strategy'] ?? 'TopicNameStrategy', { ...(registry.topic ? { topic: registry.topic } : {}), isKey: registry.isKey ?? false, ...(recordName ? { recordName } : {}) });
    schemaId = new SchemaRegistryClient(registry).register(subject, JSON.stringify(type.schema()));
  }
  return udf(
    (row) => {
      const value = input.read(row);
      if (value == null) return null;
      let bytes: Uint8Array;
      try {
        bytes = type.toBuffer(toValue(value));
      } catch (error) {
        throw new SluiceError('MALFORMED_RECORD', `to_avro cannot write a value of '${input.name}' with the Avro schema: ${(error as Error).message}.`, { cause: error, details: { function: 'to_avro' } });
      }
      return schemaId === undefined ? new Uint8Array(bytes) : encodeWireFormat(schemaId, bytes);
    },
    'binary',
    `to_avro(${input.name})`,
  );
}

/** An Avro schema as given, or the one Spark makes for a Spark type written as DDL. */
function resolveSchema(schema: AvroSchema): AvroSchema {
  if (typeof schema !== 'string') return schema;
  const text = schema.trim();
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('"')) return text;
  return avroSchemaOf(text) as AvroSchema;
}
