/**
 * @sluice/kafka/internal: what Sluice's kafka source and sink share with this package. No
 * stability promise: names here change without notice and are absent from the API reference.
 *
 * @packageDocumentation
 */
export { parseKafkaClientSettings } from './client/clientSettings.ts';
export { displayKafkaOptions } from './client/displayOptions.ts';
export { isConnectivityError } from './client/kafkajsErrors.ts';
