import { closestName } from '@sluice/core/connector';
import { SluiceError, streamWriter, type DataStreamWriter, type QueryManager, type RestartPolicy, type StreamOptions } from '@sluice/core';

/** A query held as configuration: `createStreamingQuery`'s options, minus the manager (the CLI brings it). */
export type JobQuery = Omit<StreamOptions, 'manager'>;

/** One query of a job: configuration, or a writer built in code and not yet started (`frame.writeStream()…`). */
export type JobEntry = JobQuery | DataStreamWriter;

/** What a job file holds. */
export interface JobDefinition {
  readonly queries: readonly JobEntry[];
  /** Supervision: restart a failed query from its checkpoint with backoff (QueryManager's `restart`). */
  readonly restart?: RestartPolicy;
}

type JobValue = JobDefinition | JobEntry | readonly JobEntry[];

/** What a job module may export (as `default`): a definition, one entry, a list, or a function (async or not) making one. */
export type JobExport = JobValue | (() => JobValue | Promise<JobValue>);

/**
 * Type a job module's default export (an identity function: it only helps the editor).
 *
 * @example
 * // job.ts — run with `sluice run job.ts`
 * import { defineJob } from '@sluice/cli';
 * export default defineJob({ queries: [{ sourceFormat: 'rate', targetFormat: 'console', queryName: 'demo' }] });
 */
export function defineJob<T extends JobExport>(job: T): T {
  return job;
}

const QUERY_KEYS = ['sourceFormat', 'sourceOptions', 'sourceSchema', 'transform', 'targetFormat', 'targetOptions', 'queryName', 'trigger', 'outputMode', 'partitionBy'] as const;
const JOB_KEYS = ['queries', 'restart'] as const;

/** Turn whatever a job file gave into a checked definition; `where` names the file in errors. */
export async function normalizeJob(value: unknown, where: string): Promise<JobDefinition> {
  const resolved = typeof value === 'function' ? await (value as () => unknown)() : value;
  if (Array.isArray(resolved)) return { queries: resolved.map((e, i) => entry(e, `${where}: query ${i}`)) };
  if (isWriter(resolved)) return { queries: [resolved] };
  if (isObject(resolved) && 'queries' in resolved) {
    unknownKeys(resolved, JOB_KEYS, where);
    if (!Array.isArray(resolved['queries']) || resolved['queries'].length === 0) throw invalid(`${where}: 'queries' must be a non-empty list of queries.`);
    const restart = resolved['restart'];
    if (restart !== undefined && !(isObject(restart) && typeof restart['maxRestarts'] === 'number' && typeof restart['backoffMs'] === 'number')) {
      throw invalid(`${where}: 'restart' must be { maxRestarts: number, backoffMs: number }.`);
    }
    return { queries: resolved['queries'].map((e: unknown, i: number) => entry(e, `${where}: queries[${i}]`)), ...(restart ? { restart: restart as unknown as RestartPolicy } : {}) };
  }
  if (isObject(resolved)) return { queries: [entry(resolved, where)] };
  throw invalid(`${where} exports no job: export default a query ({ sourceFormat, targetFormat, … }), a writer (frame.writeStream()…), a list of them, { queries: [...] }, or a function returning one.`);
}

/** The writer of one entry, with the manager set; `trigger` overrides the job's (`--trigger`). */
export function writerOf(entry: JobEntry, manager: QueryManager): DataStreamWriter {
  return isWriter(entry) ? entry.manager(manager) : streamWriter({ ...entry, manager });
}

function entry(value: unknown, where: string): JobEntry {
  if (isWriter(value)) return value;
  if (!isObject(value)) throw invalid(`${where} is not a query: expected { sourceFormat, targetFormat, … } or a writer.`);
  unknownKeys(value, QUERY_KEYS, where);
  for (const key of ['sourceFormat', 'targetFormat'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') throw invalid(`${where}: '${key}' is required (a format name such as 'kafka', 'json', 'delta').`);
  }
  for (const key of ['sourceOptions', 'targetOptions'] as const) {
    if (value[key] !== undefined && !isObject(value[key])) throw invalid(`${where}: '${key}' must be an object of options.`);
  }
  if (value['transform'] !== undefined && typeof value['transform'] !== 'function') throw invalid(`${where}: 'transform' must be a function of the stream (only a .ts/.js job can hold one).`);
  if (value['partitionBy'] !== undefined && !(Array.isArray(value['partitionBy']) && value['partitionBy'].every((c) => typeof c === 'string'))) {
    throw invalid(`${where}: 'partitionBy' must be a list of column names.`);
  }
  const trigger = value['trigger'];
  return { ...(value as unknown as JobQuery), ...(trigger !== undefined ? { trigger: triggerOf(trigger, where) } : {}) };
}

/** Triggers as a job file writes them: `availableNow`, `once`, `default`, `"10 seconds"`, or Spark's Python spellings. */
export function triggerOf(value: unknown, where: string): NonNullable<JobQuery['trigger']> {
  if (value === 'availableNow') return { availableNow: true };
  if (value === 'once') return { once: true };
  if (value === 'default') return { processingTime: 0 };
  if (typeof value === 'string' || typeof value === 'number') return { processingTime: value };
  if (isObject(value)) return value as NonNullable<JobQuery['trigger']>;
  throw invalid(`${where}: trigger ${JSON.stringify(value)} is not a trigger; use availableNow, once, default, a duration ("10 seconds") or { processingTime: "10 seconds" }.`);
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    throw invalid(`${where}: unknown key '${key}'.${near ? ` Did you mean '${near}'?` : ''} Valid keys: ${known.join(', ')}.`);
  }
}

function isWriter(value: unknown): value is DataStreamWriter {
  return isObject(value) && typeof value['start'] === 'function' && typeof value['validate'] === 'function' && typeof value['manager'] === 'function';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): SluiceError {
  return new SluiceError('INVALID_JOB', message);
}
