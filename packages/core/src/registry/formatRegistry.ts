import type { Schema } from 'apache-arrow';
import { SluiceError } from '../errors.ts';
import { closestName } from '../options/closestName.ts';
import type { SinkProvider, SourceProvider } from '../types.ts';

/** What the fluent reader hands a source format: the raw options, and `.schema(...)` / `.load(path)` if given. */
export interface SourceRequest {
  readonly options: Readonly<Record<string, unknown>>;
  readonly userSchema?: Schema;
}

/** What the fluent writer hands a sink format: the raw options (checkpointLocation already taken out). */
export interface SinkRequest {
  readonly options: Readonly<Record<string, unknown>>;
  readonly partitionBy?: readonly string[];
}

/** A source registered by name for `readStream().format(name)`. */
export interface SourceFormat {
  readonly name: string;
  /** Parse and validate options (throwing `SluiceError` on bad ones) and build the provider. */
  createSource(request: SourceRequest): SourceProvider;
}

/** A sink registered by name for `writeStream().format(name)`. */
export interface SinkFormat {
  readonly name: string;
  createSink(request: SinkRequest): SinkProvider;
}

const sourceFormats = new Map<string, SourceFormat>();
const sinkFormats = new Map<string, SinkFormat>();

/**
 * Make a source available by name to `readStream().format(name)`. Source packages call this
 * when imported, so importing `@sluice/sources` is what enables `format('kafka')`.
 */
export function registerSourceFormat(format: SourceFormat): void {
  sourceFormats.set(format.name.toLowerCase(), format);
}

/** Make a sink available by name to `writeStream().format(name)`; sink packages call this when imported. */
export function registerSinkFormat(format: SinkFormat): void {
  sinkFormats.set(format.name.toLowerCase(), format);
}

/** The registered source format of that name (case-insensitive), or `UNKNOWN_FORMAT` with a did-you-mean. */
export function sourceFormat(name: string): SourceFormat {
  const format = sourceFormats.get(name.toLowerCase());
  if (!format) throw unknownFormat('source', name, [...sourceFormats.keys()]);
  return format;
}

/** The registered sink format of that name (case-insensitive), or `UNKNOWN_FORMAT` with a did-you-mean. */
export function sinkFormat(name: string): SinkFormat {
  const format = sinkFormats.get(name.toLowerCase());
  if (!format) throw unknownFormat('sink', name, [...sinkFormats.keys()]);
  return format;
}

/** The names of every registered source and sink format, sorted. */
export function registeredFormats(): { sources: string[]; sinks: string[] } {
  return { sources: [...sourceFormats.keys()].sort(), sinks: [...sinkFormats.keys()].sort() };
}

function unknownFormat(kind: 'source' | 'sink', name: string, known: string[]): SluiceError {
  const suggestion = closestName(name, known);
  const hint = known.length === 0
    ? ` No ${kind} formats are registered: import '@sluice/${kind}s' (or the package that provides '${name}') first.`
    : `${suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`} Known ${kind} formats: ${known.sort().join(', ')}. A format registers when its package is imported.`;
  return new SluiceError('UNKNOWN_FORMAT', `Unknown ${kind} format '${name}'.${hint}`, { details: { format: name, known, ...(suggestion === undefined ? {} : { suggestion }) } });
}
