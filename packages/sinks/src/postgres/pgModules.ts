import { createRequire } from 'node:module';
import { requireOptional, type OptionalDependency } from '@sluice/core/connector';

// pg and pg-copy-streams are optional peers: loaded when a postgres sink is first defined, so an
// app without one never installs or loads them (and gets MISSING_DEPENDENCY naming them if it has one).
const require = createRequire(import.meta.url);
const PG: OptionalDependency = { name: 'pg', range: '^8.11.0', usedBy: 'The postgres sink' };
const PG_COPY_STREAMS: OptionalDependency = { name: 'pg-copy-streams', range: '^7.0.0', usedBy: 'The postgres sink' };

/** The `pg` module. */
export function pgModule(): typeof import('pg') {
  return requireOptional(require, PG);
}

/** `pg-copy-streams` (binary COPY). */
export function pgCopyStreams(): typeof import('pg-copy-streams') {
  return requireOptional(require, PG_COPY_STREAMS);
}

/** pg's own URL parser, from pg's dependencies (so it is always the one pg itself uses). */
export function pgConnectionString(): typeof import('pg-connection-string') {
  pgModule(); // a missing pg is reported as MISSING_DEPENDENCY naming it
  const fromPg = createRequire(require.resolve('pg'));
  return fromPg('pg-connection-string') as typeof import('pg-connection-string');
}

