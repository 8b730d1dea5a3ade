/**
 * Support for the PostgreSQL integration tests: the sink package's own test support (the shared
 * test server, a private schema per test file, sink and batch contexts, a recording logger),
 * plus waiting on database state.
 */
export { TEST_PG_URL, batchContext, createTestSchema, recordingLogger, sinkContext } from '../../packages/sinks/src/postgres/testing/testDatabase.ts';
export type { TestSchema } from '../../packages/sinks/src/postgres/testing/testDatabase.ts';

/** Poll `condition` (a database state the test waits for) every 10 ms, up to 5 s. */
export async function waitFor(condition: () => Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${what} never held`);
}
