import { expect } from 'vitest';
import { map, memoryCheckpoint, QueryManager, silentLogger, type StreamingQuery } from '@sluice/core';
import { memorySink } from '@sluice/sinks';
import { intStream, type MemoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingQueryManagerSuite.scala.
// Spark's `makeDataset` is a MemoryStream[Int] mapped by `6 / _`: adding 0 fails its query. The
// queries run on the real clock, as Spark's do; "blocked" means still pending after 100 ms.
const spark = suite('StreamingQueryManagerSuite');

interface Running {
  readonly manager: QueryManager;
  readonly inputs: MemoryInput[];
  readonly queries: StreamingQuery[];
}

/** Spark's `withQueriesOn`: one memory-sink query named `query<i>` per dataset, all stopped afterwards. */
async function withQueries(count: number, body: (running: Running) => Promise<void>): Promise<void> {
  const manager = new QueryManager({ logger: silentLogger });
  const inputs = Array.from({ length: count }, () => intStream());
  const queries: StreamingQuery[] = [];
  try {
    for (const [i, input] of inputs.entries()) {
      const divided = input.frame.pipe(map((row: { value: number }) => {
        if (row.value === 0) throw new Error('/ by zero');
        return { value: Math.trunc(6 / row.value) };
      }, 'value INT'));
      const tableName = `manager_${i}_${Math.random().toString(36).slice(2)}`;
      queries.push(await divided.writeStream().sink(memorySink({ tableName })).queryName(`query${i}`).outputMode('append').option('checkpointLocation', memoryCheckpoint()).manager(manager).start());
    }
    await body({ manager, inputs, queries });
  } finally {
    await manager.stopAll();
  }
}

const BLOCKED = Symbol('blocked');
/** What the call gives within 100 ms: its value, its error, or BLOCKED. */
async function within(call: () => Promise<unknown>): Promise<unknown> {
  return Promise.race([call().catch((error: unknown) => error), new Promise((resolve) => setTimeout(() => resolve(BLOCKED), 100))]);
}
const failed = (value: unknown) => value instanceof Error;

async function untilInactive(query: StreamingQuery): Promise<void> {
  await query.awaitTermination().catch(() => undefined);
}

spark.scenario('listing', () =>
  withQueries(3, async ({ manager, inputs, queries: [q1, q2, q3] }) => {
    expect(new Set(manager.active)).toEqual(new Set([q1, q2, q3]));
    expect(manager.get(q1!.id)).toBe(q1);
    expect(manager.get(q2!.id)).toBe(q2);
    expect(manager.get(q3!.id)).toBe(q3);
    expect(manager.get('00000000-0000-4000-8000-000000000000')).toBeNull();
    await q1!.stop();
    expect(new Set(manager.active)).toEqual(new Set([q2, q3]));
    expect(manager.get(q1!.id)).toBeNull();
    expect(manager.get(q2!.id)).toBe(q2);
    inputs[1]!.add(0); // q2 terminates with an error
    await untilInactive(q2!);
    expect(q2!.isActive).toBe(false);
    expect(q2!.exception).not.toBeNull();
    expect(manager.get(q2!.id)).toBeNull();
    expect(manager.active).toEqual([q3]);
  }));

spark.scenario('awaitAnyTermination without timeout and resetTerminated', () =>
  withQueries(5, async ({ manager, inputs, queries }) => {
    expect(await within(() => manager.awaitAnyTermination())).toBe(BLOCKED);
    // A query stopped: awaitAnyTermination returns, and keeps returning.
    await queries[0]!.stop();
    expect(await within(() => manager.awaitAnyTermination())).toBe(true);
    expect(await within(() => manager.awaitAnyTermination())).toBe(true);
    manager.resetTerminated();
    expect(await within(() => manager.awaitAnyTermination())).toBe(BLOCKED);
    // A query failed: awaitAnyTermination throws its error, and keeps throwing it.
    inputs[1]!.add(0);
    await untilInactive(queries[1]!);
    expect(failed(await within(() => manager.awaitAnyTermination()))).toBe(true);
    expect(failed(await within(() => manager.awaitAnyTermination()))).toBe(true);
    manager.resetTerminated();
    expect(await within(() => manager.awaitAnyTermination())).toBe(BLOCKED);
    // One stops, then one fails: from then on awaitAnyTermination throws.
    await queries[2]!.stop();
    expect(await within(() => manager.awaitAnyTermination())).toBe(true);
    inputs[3]!.add(0);
    await untilInactive(queries[3]!);
    expect(failed(await within(() => manager.awaitAnyTermination()))).toBe(true);
    // A clean stop after the failure does not hide it (Spark keeps the first failure until reset).
    await queries[4]!.stop();
    expect(failed(await within(() => manager.awaitAnyTermination()))).toBe(true);
  }));

spark.scenario('awaitAnyTermination with timeout and resetTerminated', () =>
  withQueries(6, async ({ manager, inputs, queries }) => {
    // A timeout shorter than the wait returns false; none terminated yet.
    expect(await within(() => manager.awaitAnyTermination(50))).toBe(false);
    expect(await within(() => manager.awaitAnyTermination(4000))).toBe(BLOCKED);
    await queries[0]!.stop();
    expect(await within(() => manager.awaitAnyTermination(2000))).toBe(true);
    expect(await within(() => manager.awaitAnyTermination(4000))).toBe(true);
    manager.resetTerminated();
    expect(await within(() => manager.awaitAnyTermination(4000))).toBe(BLOCKED);
    inputs[1]!.add(0);
    await untilInactive(queries[1]!);
    const error = await within(() => manager.awaitAnyTermination(4000));
    expect(failed(error)).toBe(true);
    expect(failed(await within(() => manager.awaitAnyTermination(2000)))).toBe(true);
    manager.resetTerminated();
    expect(await within(() => manager.awaitAnyTermination(50))).toBe(false);
    await queries[2]!.stop();
    expect(await within(() => manager.awaitAnyTermination(2000))).toBe(true);
    inputs[3]!.add(0);
    await untilInactive(queries[3]!);
    expect(failed(await within(() => manager.awaitAnyTermination(2000)))).toBe(true);
  }));
