import { registerSecret, SluiceError } from '@sluice/core';
import { httpSync, type HttpAnswer } from './syncHttp.ts';

/** Options of a Confluent Schema Registry client, by the names Confluent's serializers use. */
export interface SchemaRegistryOptions {
  /** The registry's base URL(s): `http://registry:8081` (comma-separated: the first that answers). */
  readonly 'schema.registry.url': string;
  /** `user:password` for HTTP basic authentication (a secret: never shown). */
  readonly 'basic.auth.user.info'?: string;
  /** How long one request may take (default 30 s). */
  readonly 'schema.registry.request.timeout.ms'?: number;
}

/** A schema version under a subject. */
export interface RegisteredSchema {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly schema: string;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A client of Confluent Schema Registry's REST API — `GET /schemas/ids/{id}`,
 * `GET /subjects/{subject}/versions/latest`, `POST /subjects/{subject}/versions` — with answers
 * cached (ids are immutable). Calls are synchronous: a column function decoding a batch meets a
 * schema id it has not seen and must have the schema before the next row (see `httpSync`).
 *
 * @example
 * const registry = new SchemaRegistryClient({ 'schema.registry.url': 'http://localhost:8081' });
 * const { id, schema } = registry.latest('orders-value');
 */
export class SchemaRegistryClient {
  private readonly urls: string[];
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly byId = new Map<number, string>();

  constructor(options: SchemaRegistryOptions) {
    const url = options['schema.registry.url'];
    if (typeof url !== 'string' || url.trim() === '') {
      throw new SluiceError('MISSING_OPTION', "A schema registry needs 'schema.registry.url' (http://host:8081).", { details: { option: 'schema.registry.url' } });
    }
    this.urls = url.split(',').map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u !== '');
    for (const u of this.urls) {
      if (!/^https?:\/\//.test(u)) throw new SluiceError('INVALID_OPTION', `'schema.registry.url' must be http:// or https:// URLs, got '${u}'.`, { details: { option: 'schema.registry.url' } });
    }
    this.headers = { Accept: CONTENT_TYPE, 'Content-Type': CONTENT_TYPE };
    const auth = options['basic.auth.user.info'];
    if (auth !== undefined) {
      registerSecret(auth);
      const encoded = Buffer.from(auth).toString('base64');
      registerSecret(encoded);
      this.headers['Authorization'] = `Basic ${encoded}`;
    }
    this.timeoutMs = options['schema.registry.request.timeout.ms'] ?? 30_000;
  }

  /** The schema (text) registered under a global id. */
  schemaById(id: number): string {
    let schema = this.byId.get(id);
    if (schema === undefined) {
      const answer = this.call('GET', `/schemas/ids/${id}`, `looking up schema id ${id}`) as { schema: string };
      schema = answer.schema;
      this.byId.set(id, schema);
    }
    return schema;
  }

  /** The latest schema version under `subject`. */
  latest(subject: string): RegisteredSchema {
    const answer = this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`, `looking up the latest schema of subject '${subject}'`) as RegisteredSchema;
    this.byId.set(answer.id, answer.schema);
    return answer;
  }

  /** Registers `schema` under `subject` (or finds it there already) and returns its global id. */
  register(subject: string, schema: string, schemaType: 'AVRO' | 'PROTOBUF' = 'AVRO'): number {
    const body = JSON.stringify(schemaType === 'AVRO' ? { schema } : { schema, schemaType });
    const answer = this.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, `registering a schema under subject '${subject}'`, body) as { id: number };
    this.byId.set(answer.id, schema);
    return answer.id;
  }

  private call(method: 'GET' | 'POST', path: string, action: string, body?: string): unknown {
    let last: HttpAnswer | undefined;
    for (const base of this.urls) {
      last = httpSync({ url: `${base}${path}`, method, headers: this.headers, ...(body === undefined ? {} : { body }), timeoutMs: this.timeoutMs });
      if (last.status >= 200 && last.status < 300) return JSON.parse(last.body) as unknown;
      // A registry that answered with an error has spoken; only an unreachable one is skipped.
      if (last.status !== 0) break;
    }
    const error = parseError(last!.body);
    throw new SluiceError(
      'SCHEMA_REGISTRY_ERROR',
      last!.status === 0
        ? `Cannot reach the schema registry (${this.urls.join(', ')}) while ${action}: ${last!.body}. Check 'schema.registry.url'.`
        : `The schema registry refused ${action}: HTTP ${last!.status}${error ? `, error ${error.error_code}: ${error.message}` : ''}.`,
      { details: { status: last!.status, ...(error ? { errorCode: error.error_code } : {}) } },
    );
  }
}

function parseError(body: string): { error_code: number; message: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { error_code?: number; message?: string };
    return typeof parsed.error_code === 'number' ? { error_code: parsed.error_code, message: parsed.message ?? '' } : undefined;
  } catch {
    return undefined;
  }
}
