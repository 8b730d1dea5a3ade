import { describeError } from '@sluice/core/connector';
import { SluiceError } from '@sluice/core';

const CONNECTIVITY = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSNoBrokerAvailableError',
]);
const CONNECTIVITY_TYPES = new Set(['LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'REQUEST_TIMED_OUT', 'NETWORK_EXCEPTION']);

/** Whether a kafkajs error means "the cluster could not be reached" (worth waiting out) rather than a refusal. */
export function isConnectivityError(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause) {
    if (e instanceof SluiceError) return e.code === 'KAFKA_UNREACHABLE';
    const { name, type, code } = e as { name?: string; type?: string; code?: string };
    if ((name && CONNECTIVITY.has(name)) || (type && CONNECTIVITY_TYPES.has(type))) return true;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return true;
    if (name === 'KafkaJSAggregateError') return ((e as { errors?: unknown[] }).errors ?? []).some(isConnectivityError);
    if (name === 'KafkaJSNumberOfRetriesExceeded' && /connect|ECONN|timed? ?out/i.test((e as Error).message)) return true;
  }
  return false;
}

/** A kafkajs failure as the SluiceError users see: unreachable brokers vs anything else. */
export function kafkaError(error: unknown, action: string, brokers: readonly string[]): SluiceError {
  if (error instanceof SluiceError) return error;
  if (isConnectivityError(error)) {
    return new SluiceError(
      'KAFKA_UNREACHABLE',
      `Cannot reach the Kafka brokers ${brokers.join(',')} while ${action}: ${describeError(error)}. ` +
        "Check 'kafka.bootstrap.servers' and that the brokers are running and reachable from this host.",
      { cause: error, details: { brokers: [...brokers] } },
    );
  }
  const name = (error as { name?: string }).name ?? '';
  const hint = /SASL|Authentication/i.test(name) ? ' Check the SASL settings (kafka.sasl.*).' : '';
  return new SluiceError('KAFKA_ERROR', `Kafka failed while ${action}: ${describeError(error)}.${hint}`, { cause: error, details: { brokers: [...brokers] } });
}
