import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { decodeFetchResponse, type FetchResponse } from './fetchResponse.ts';

/**
 * The parts of kafkajs's (internal) cluster the reader uses: broker connections that kafkajs
 * opens and authenticates (TLS, SASL) exactly as for its own clients, metadata, and ListOffsets.
 * kafkajs is pinned (2.2.4, its last release) and these are plain JS modules without an
 * `exports` map, so the reach is stable; `clusterOf` fails loudly if it ever is not.
 *
 * Why reach in at all: kafkajs's consumer can only read through a consumer group (no manual
 * assign, tulios/kafkajs#373), and it decodes every record into an object with string offsets
 * and timestamps — most of its CPU. The reader sends Fetch requests itself over these
 * connections and decodes record batches straight into columns.
 */
export interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  /** A fresh Metadata request for `topics` (all topics when empty); kafkajs retries a leader not yet available. */
  metadata(args: { topics: string[] }): Promise<unknown>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): readonly { readonly partitionId: number; readonly leader: number | null }[];
  findBroker(args: { nodeId: number }): Promise<KafkajsBroker>;
}

export interface KafkajsBroker {
  lookupRequest(apiKey: number, definition: unknown): (args: unknown) => ProtocolRequest;
  readonly connectionPool: { send(request: ProtocolRequest): Promise<unknown> };
  disconnect(): Promise<void>;
}

interface ProtocolRequest {
  readonly request: { readonly apiVersion: number };
  readonly response: unknown;
  readonly requestTimeout?: number;
}

export interface FetchPartitionRequest {
  readonly partition: number;
  readonly fetchOffset: string;
  readonly maxBytes: number;
}

export interface FetchRequest {
  readonly maxWaitTime: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** 1 = read_committed (records of aborted transactions are filtered by the decoder). */
  readonly isolationLevel: number;
  readonly topics: readonly { readonly topic: string; readonly partitions: readonly FetchPartitionRequest[] }[];
}

const require = createRequire(import.meta.url);
const FETCH_API_KEY = 1;
let fetchDefinition: unknown;

/** A new kafkajs cluster (its own connections) configured as `kafka` is: brokers, TLS, SASL, timeouts. */
export function clusterOf(kafka: Kafka, options: { readonly allowAutoTopicCreation?: boolean } = {}): KafkajsCluster {
  const create = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const factory = create && (kafka as unknown as Record<symbol, unknown>)[create];
  if (typeof factory !== 'function') throw new Error('kafkajs internals changed: cannot create a cluster (Sluice needs kafkajs 2.2.4)');
  // kafkajs's own clients default metadataMaxAge to 5 min; the reader refreshes metadata itself when a fetch fails.
  return factory({ metadataMaxAge: 300_000, allowAutoTopicCreation: options.allowAutoTopicCreation ?? false, isolationLevel: 1 }) as KafkajsCluster;
}

/** Send a Fetch request to `broker`; the response frame is decoded (records left as bytes). */
export async function fetchFrom(broker: KafkajsBroker, args: FetchRequest): Promise<FetchResponse> {
  fetchDefinition ??= (require('kafkajs/src/protocol/requests') as { requests: { Fetch: unknown } }).requests.Fetch;
  const built = broker.lookupRequest(FETCH_API_KEY, fetchDefinition)(args);
  const version = built.request.apiVersion;
  const request: ProtocolRequest = {
    ...built,
    response: { decode: async (data: Buffer) => decodeFetchResponse(data, version), parse: async (decoded: FetchResponse) => decoded },
  };
  try {
    return (await broker.connectionPool.send(request)) as FetchResponse;
  } catch (error) {
    // As kafkajs's own broker does: a closed connection is dropped so the next use reconnects.
    if ((error as { name?: string }).name === 'KafkaJSConnectionClosedError') await broker.disconnect().catch(() => {});
    throw error;
  }
}

interface KafkajsConnection {
  rejectRequests(error: Error): void;
}

interface KafkajsBrokerPool {
  readonly seedBroker?: { readonly connectionPool: { readonly pool: readonly KafkajsConnection[] } };
  readonly brokers: Readonly<Record<string, { readonly connectionPool: { readonly pool: readonly KafkajsConnection[] } }>>;
}

/**
 * Disconnect a cluster without waiting for requests on the wire: kafkajs's own disconnect
 * waits for them (a Fetch waits up to `fetch.max.wait.ms` on the broker), so they are failed
 * first. Their callers see a closed-connection error.
 */
export async function abandon(cluster: KafkajsCluster): Promise<void> {
  const pool = (cluster as unknown as { brokerPool?: KafkajsBrokerPool }).brokerPool;
  if (pool) {
    const brokers = [...(pool.seedBroker ? [pool.seedBroker] : []), ...Object.values(pool.brokers)];
    const closed = Object.assign(new Error('Closed connection: the Kafka client was closed'), { name: 'KafkaJSConnectionClosedError' });
    for (const broker of brokers) for (const connection of broker.connectionPool.pool) connection.rejectRequests(closed);
  }
  await cluster.disconnect().catch(() => {});
}

/** kafkajs's error for a Kafka error code (with its `type` and `retriable`). */
export function protocolError(code: number): Error & { readonly type?: string; readonly retriable?: boolean } {
  const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };
  return createErrorFromCode(code);
}
