import { SluiceError } from '../errors.ts';

/** How a connector names the optional npm package it loads: `kafkajs`, and who needs it. */
export interface OptionalDependency {
  /** The npm package name, as the user adds it: `pg`, `kafkajs`, `parquet-wasm`. */
  readonly name: string;
  /** The version range to install, as in the package's peerDependencies (`^8.11.0`). */
  readonly range: string;
  /** Who needs it, for the message: "The postgres sink". */
  readonly usedBy: string;
}

/**
 * Load an optional CommonJS dependency on first use, synchronously. Connector libraries (kafkajs,
 * pg, parquet-wasm) are optional peers: an app that never uses the connector never installs or
 * loads them. When one is absent this throws `MISSING_DEPENDENCY` naming the package to add.
 * `require` must be the connector module's own (`createRequire(import.meta.url)`), so the
 * package resolves from the connector's location.
 *
 * @example
 * const require = createRequire(import.meta.url);
 * const pg = requireOptional<typeof import('pg')>(require, { name: 'pg', range: '^8.11.0', usedBy: 'The postgres sink' });
 */
export function requireOptional<T>(require: NodeJS.Require, dependency: OptionalDependency): T {
  try {
    return require(dependency.name) as T;
  } catch (error) {
    throw missingDependency(error, dependency) ?? error;
  }
}

/**
 * Where an optional dependency resolves from the connector's location (`require.resolve`), or a
 * `MISSING_DEPENDENCY` error naming the package to add.
 *
 * @example
 * const entry = resolveOptional(createRequire(import.meta.url), { name: 'parquet-wasm', range: '^0.8.0', usedBy: 'Parquet' });
 */
export function resolveOptional(require: NodeJS.Require, dependency: OptionalDependency): string {
  try {
    return require.resolve(dependency.name);
  } catch (error) {
    throw missingDependency(error, dependency) ?? error;
  }
}

/**
 * The `MISSING_DEPENDENCY` error for `dependency` when `error` says that very package could not be
 * found (a broken package that fails to load for another reason keeps its own error).
 */
function missingDependency(error: unknown, dependency: OptionalDependency): SluiceError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  if ((code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') || !message.includes(`'${dependency.name}'`)) return undefined;
  return new SluiceError(
    'MISSING_DEPENDENCY',
    `${dependency.usedBy} needs the npm package '${dependency.name}', which is not installed. Add it to your project: npm install ${dependency.name}@'${dependency.range}'`,
    { cause: error, details: { package: dependency.name, range: dependency.range } },
  );
}
