import { defer, throwError, type Observable } from 'rxjs';
import type { Table } from 'apache-arrow';
import type { Offset, SourceProvider } from '@sluice/core';

export interface ReadFault {
  /** Fail reads whose range this returns true for. */
  readonly when: (start: Offset, end: Offset) => boolean;
  readonly error?: () => Error;
  /** How many matching reads fail (default 1; Infinity for always). */
  readonly times?: number;
}

/**
 * A source that fails `read` on chosen ranges (a broker that drops a fetch, a file that
 * vanishes), for testing that a query fails clearly and resumes exactly once after a restart.
 *
 * @example
 * faultySource(memoryStream('x INT').toFrame().sources[0]!, { when: (start) => start === 1 })
 */
export function faultySource(provider: SourceProvider, fault: ReadFault): SourceProvider {
  let remaining = fault.times ?? 1;
  return {
    ...provider,
    open: async (context) => {
      const source = await provider.open(context);
      const read = (start: Offset, end: Offset): Observable<Table> =>
        defer(() => {
          if (remaining > 0 && fault.when(start, end)) {
            remaining--;
            return throwError(() => fault.error?.() ?? new Error(`simulated read failure of (${JSON.stringify(start)}, ${JSON.stringify(end)}]`));
          }
          return source.read(start, end);
        });
      return new Proxy(source, {
        get: (target, property, receiver) => {
          if (property === 'read') return read;
          const value = Reflect.get(target, property, receiver) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
}
