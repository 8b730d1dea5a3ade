/**
 * @sluice/avro: Spark's `from_avro` / `to_avro` as column functions, plain Avro or Confluent's
 * wire format with a Schema Registry, on avsc.
 */
export { fromAvro, fromAvroFunction } from './fromAvro.ts';
export type { AvroParseMode, FromAvroOptions, FromConfluentAvroOptions } from './fromAvro.ts';
export { toAvro, toAvroFunction } from './toAvro.ts';
export { registerAvroFunctions } from './register.ts';
export type { ToConfluentAvroOptions } from './toAvro.ts';
export { avroSchemaOf } from './schema/avroSchemaOf.ts';
export { sparkTypeOf } from './schema/sparkType.ts';
export type { SparkType } from './schema/sparkType.ts';
export type { AvroSchema } from './schema/avroTypes.ts';
export { SchemaRegistryClient } from './registry/schemaRegistry.ts';
export type { RegisteredSchema, SchemaRegistryOptions } from './registry/schemaRegistry.ts';
export { subjectName } from './registry/subjectName.ts';
export type { SubjectNameStrategy } from './registry/subjectName.ts';
export { decodeWireFormat, encodeWireFormat } from './wireFormat.ts';
