import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { JsonValue, Logger } from '@sluice/core';
import type { SourceContext, SourceMetadataStore } from '@sluice/core/connector';

/** Test-only: an in-memory `sources/<i>/` store with the contract's first-write-wins `getOrCreate`. */
export class MemoryMetadataStore implements SourceMetadataStore {
  readonly entries = new Map<string, JsonValue>();
  async getOrCreate<T extends JsonValue>(name: string, create: () => T | Promise<T>): Promise<T> {
    if (!this.entries.has(name)) this.entries.set(name, structuredClone(await create()));
    return structuredClone(this.entries.get(name)) as T;
  }
  async get<T extends JsonValue>(name: string): Promise<T | undefined> {
    return this.entries.get(name) as T | undefined;
  }
  async put(name: string, value: JsonValue): Promise<void> {
    this.entries.set(name, value);
  }
  async list(): Promise<string[]> {
    return [...new Set([...this.entries.keys(), ...this.texts.keys()])];
  }
  async remove(name: string): Promise<void> {
    this.entries.delete(name);
    this.texts.delete(name);
  }
  readonly texts = new Map<string, string>();
  async readText(name: string): Promise<string | undefined> {
    return this.texts.get(name);
  }
  async writeText(name: string, text: string, options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
    if (options.ifAbsent && this.texts.has(name)) return false;
    this.texts.set(name, text);
    return true;
  }
}

/** Test-only: a logger that keeps its lines, to assert on warnings and on what never appears. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, debug: () => {}, info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}

let runs = 0;

/** Test-only: a SourceContext with a fresh run id. */
export function testSourceContext(options: { metadata?: MemoryMetadataStore; scheduler?: SchedulerLike; log?: Logger } = {}): SourceContext {
  runs++;
  return {
    queryId: 'query-kafka-test',
    runId: `run-${process.pid}-${runs}`,
    sourceIndex: 0,
    metadata: options.metadata ?? new MemoryMetadataStore(),
    scheduler: options.scheduler ?? asyncScheduler,
    log: options.log ?? recordingLogger(),
  };
}
