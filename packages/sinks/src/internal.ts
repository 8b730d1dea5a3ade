/**
 * @sluice/sinks/internal: sink providers from raw options and the console table renderer, for
 * Sluice's own tests and tools. No stability promise: names here change without notice and are
 * absent from the API reference.
 *
 * @packageDocumentation
 */
export { consoleProvider } from './console/consoleSink.ts';
export { showString, formatCell, formatTimestamp } from './console/showString.ts';
export { postgresProvider } from './postgres/postgresSink.ts';
export { fileSinkProvider } from './file/fileSink.ts';
export { deltaProvider } from './delta/deltaSink.ts';
export { kafkaSinkProvider } from './kafka/kafkaSinkProvider.ts';
