export {};

/* PostgreSQL: the exactly-once sink, and the foreachBatch helpers */
export { postgresSink } from './postgres/postgresSink.ts';
export type { PostgresSinkConfig } from './postgres/postgresSink.ts';
export { idempotentBatch } from './postgres/idempotentBatch.ts';
export type { BatchIdentity, IdempotentBatchOptions, IdempotentBatchResult } from './postgres/idempotentBatch.ts';
export { postgresTableWriter } from './postgres/postgresTableWriter.ts';
export type { PostgresTableWriter, PostgresTableWriterConfig } from './postgres/postgresTableWriter.ts';
