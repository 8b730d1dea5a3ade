/* Kafka */
export { kafkaSink } from './kafka/kafkaSinkProvider.ts';
export type { KafkaSinkOptions } from './kafka/kafkaSinkProvider.ts';
