/**
 * Every restated Spark checkpoint fixture is either resumed to Spark's answer or refused with a
 * coded error naming the file — and then the directory is byte-identical to what it was.
 */
import { describe, expect, it } from 'vitest';
import {
  col, count, dropDuplicates, FileCheckpointStore, groupBy, groupByKey, isSluiceError, join, limit, QueryManager, selectExpr, sessionWindow, silentLogger, StatefulProcessor, withWatermark,
  type ErrorCode, type GroupState, type OutputMode, type StreamFrame, type TimerValues, type ValueState,
} from '@sluice/core';
import { memorySink } from '@sluice/sinks';
import { intStream, memoryInput, type MemoryInput } from '../harness/memoryInput.ts';
import { windowedCount } from '../harness/queries.ts';
import { fixture, SPARK_CHECKPOINTS } from '../fixtures/sparkCheckpoints.ts';
import { hashDirectory, listFiles, writeFixture } from '../fixtures/fixtureFiles.ts';

/** Start `frame` on the fixture's directory; resolves with the error it was refused with, or undefined when it ran. */
async function startOn(dir: string, frame: StreamFrame, outputMode: OutputMode): Promise<Error | undefined> {
  const manager = new QueryManager({ logger: silentLogger });
  try {
    const query = await frame.writeStream().sink(memorySink({ tableName: `fixture_${Math.random().toString(36).slice(2)}` })).option('checkpointLocation', new FileCheckpointStore(dir)).outputMode(outputMode).manager(manager).start();
    await query.processAllAvailable();
    const failure = query.exception;
    await query.stop();
    return failure ?? undefined;
  } catch (error) {
    return error as Error;
  }
}

/** Refused with `code`, naming a file of the fixture, and the directory untouched. */
async function expectRefused(name: string, frame: StreamFrame, code: ErrorCode, file: RegExp, outputMode: OutputMode = 'append'): Promise<void> {
  const dir = await writeFixture(fixture(name));
  const before = await hashDirectory(dir);
  const error = await startOn(dir, frame, outputMode);
  expect(isSluiceError(error, code), `${name}: ${error?.message ?? 'it ran'}`).toBe(true);
  expect(error!.message).toMatch(file);
  expect(await hashDirectory(dir), `${name} was changed by a refused start`).toBe(before);
}

const withData = (input: MemoryInput, ...batches: readonly number[][]) => {
  for (const batch of batches) input.add(...batch);
  return input;
};

describe('Spark checkpoint fixtures: resumed to Spark\'s answer, or refused with the directory untouched', () => {
  it('checkpoint-test-offsetId-commitId-inconsistent: refused (offsets/3 is missing), untouched', () =>
    expectRefused('checkpoint-test-offsetId-commitId-inconsistent', intStream().frame, 'CHECKPOINT_CORRUPT', /offsets\/4/));

  it('checkpoint-version-2.1.0: state Sluice cannot read is refused, untouched', () =>
    expectRefused('checkpoint-version-2.1.0', withData(intStream(), [1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 7, 8]).frame.pipe(groupBy('value').agg(count())), 'STATE_FORMAT_UNSUPPORTED', /state\/0/, 'complete'));

  it('checkpoint-version-2.3.1-without-commit-log-metadata: state refused, untouched', () =>
    expectRefused('checkpoint-version-2.3.1-without-commit-log-metadata', windowedCount(withData(intStream(), [15], [10, 12, 14])), 'STATE_FORMAT_UNSUPPORTED', /state\/0/));

  it('checkpoint-version-2.3.1-streaming-aggregate-state-format-1: state refused, untouched', () =>
    expectRefused('checkpoint-version-2.3.1-streaming-aggregate-state-format-1', withData(intStream(), [3], [3, 2]).frame.pipe(groupBy('value').agg(count())), 'STATE_FORMAT_UNSUPPORTED', /state\/0/, 'update'));
});

// ---- The queries Spark's tests run on the fixtures below, restated on Sluice's operators.

type Row = Record<string, unknown>;
/** `MemoryStream[String]`, grouped by key, a running count per key (FlatMapGroupsWithStateSuite's shape). */
function runningCount(): StreamFrame {
  const input = memoryInput('value STRING');
  input.add('a');
  return input.frame.pipe(groupByKey('value').flatMapGroupsWithState<{ count: number }>({ outputMode: 'update', timeout: 'none', outputSchema: '_1 STRING, _2 STRING' }, (key: Row, rows: readonly unknown[], state: GroupState<{ count: number }>) => {
    const n = (state.getOption()?.count ?? 0) + rows.length;
    state.update({ count: n });
    return [{ _1: key['value'], _2: String(n) }];
  }));
}
/** Two `MemoryStream[Int]`s joined on their value (StreamingJoinSuite's simplest inner join). */
function innerJoin(): StreamFrame {
  const left = withData(intStream(), [1, 2, 3]);
  const right = withData(intStream(), [3, 4, 5]);
  return left.frame.pipe(selectExpr('value AS key', 'value * 2 AS leftValue'), join(right.frame.pipe(selectExpr('value AS key', 'value * 3 AS rightValue')), ['key'], 'inner'));
}
const countByValue = () => withData(intStream(), [3], [3, 2]).frame.pipe(groupBy('value').agg(count()));
const dedup = () => withData(intStream(), [1, 1, 2]).frame.pipe(dropDuplicates());
/** StreamingSessionWindowSuite's session count, on `(word, seconds)` rows. */
function sessions(): StreamFrame {
  const input = memoryInput('_1 STRING, _2 BIGINT');
  input.add(['hello world', 10], ['hello', 20]);
  return input.frame.pipe(
    selectExpr('_1 AS value', 'CAST(_2 AS TIMESTAMP) AS eventTime'),
    withWatermark('eventTime', '10 seconds'),
    selectExpr("explode(split(value, ' ')) AS sessionId", 'eventTime'),
    groupBy(sessionWindow('eventTime', '10 seconds').as('session'), 'sessionId').agg(count().alias('numEvents')),
  );
}
class RunningCountProcessor extends StatefulProcessor {
  protected countState!: ValueState<number>;
  init(): void {
    this.countState = this.getHandle().getValueState<number>('countState');
  }
  handleInputRows(key: Row, _rows: readonly Row[], _timers: TimerValues): Row[] {
    const n = (this.countState.get() ?? 0) + 1;
    this.countState.update(n);
    return [{ _1: key['value'], _2: String(n) }];
  }
}
function transformWithState(): StreamFrame {
  const input = memoryInput('value STRING');
  input.add('a');
  input.add('b');
  return input.frame.pipe(groupByKey('value').transformWithState(new RunningCountProcessor(), { timeMode: 'none', outputMode: 'update', outputSchema: '_1 STRING, _2 STRING' }));
}
const limited = () => withData(intStream(), [1, 2, 3]).frame.pipe(limit(10));

interface RefusalCase {
  readonly query: () => StreamFrame;
  readonly code: ErrorCode;
  /** The file (or folder) the message must name. */
  readonly names: RegExp;
  readonly outputMode?: OutputMode;
  /** Why this is the right answer, when it is not "Spark's binary state". */
  readonly note?: string;
}

const STATE_REFUSED = (query: () => StreamFrame, outputMode: OutputMode = 'update'): RefusalCase => ({ query, code: 'STATE_FORMAT_UNSUPPORTED', names: /state\/0\/\d+\/(\w+-\w+\/)?[\w.-]+/, outputMode });

/** Every restated fixture not covered elsewhere: what Sluice must answer. */
const REFUSED: Readonly<Record<string, RefusalCase>> = {
  'checkpoint-version-2.3.1-flatMapGroupsWithState-state-format-1': STATE_REFUSED(runningCount),
  'checkpoint-version-2.4.0-streaming-join': STATE_REFUSED(innerJoin, 'append'),
  'checkpoint-version-2.4.5-for-compatibility-test-common-functions': STATE_REFUSED(countByValue),
  'checkpoint-version-2.4.5-for-compatibility-test-deduplicate': STATE_REFUSED(dedup, 'append'),
  'checkpoint-version-2.4.5-for-compatibility-test-statistical-functions': STATE_REFUSED(countByValue),
  'checkpoint-version-2.4.5-for-compatibility-test-sum-decimal': STATE_REFUSED(countByValue),
  'checkpoint-version-3.0.0-streaming-statestore-codec': STATE_REFUSED(countByValue),
  'checkpoint-version-3.1.0-flatmapgroupswithstate-repartition': STATE_REFUSED(runningCount),
  'checkpoint-version-3.2.0-deduplication-with-repartition': STATE_REFUSED(dedup, 'append'),
  'checkpoint-version-3.2.0-flatmapgroupswithstate1-repartition': STATE_REFUSED(runningCount),
  'checkpoint-version-3.2.0-flatmapgroupswithstate2-repartition': STATE_REFUSED(runningCount),
  'checkpoint-version-3.2.0-streaming-aggregate-with-repartition': STATE_REFUSED(countByValue),
  'checkpoint-version-3.2.0-session-window-with-repartition': STATE_REFUSED(sessions, 'append'),
  'checkpoint-version-3.3.0-streaming-deduplication': STATE_REFUSED(dedup, 'append'),
  'checkpoint-version-3.5.1-streaming-deduplication': STATE_REFUSED(dedup, 'append'),
  'checkpoint-version-3.5.1-streaming-join': STATE_REFUSED(innerJoin, 'append'),
  'checkpoint-version-4.0.0-state-source': STATE_REFUSED(countByValue),
  ...Object.fromEntries((['hdfs', 'rocksdb'] as const).flatMap((provider) => [
    [`checkpoint-version-4.0.0/${provider}/agg`, STATE_REFUSED(countByValue)],
    [`checkpoint-version-4.0.0/${provider}/dedup`, STATE_REFUSED(dedup, 'append')],
    [`checkpoint-version-4.0.0/${provider}/join1`, STATE_REFUSED(innerJoin, 'append')],
    [`checkpoint-version-4.0.0/${provider}/join2`, STATE_REFUSED(innerJoin, 'append')],
    // Spark's streaming limit keeps its count in state; Sluice refuses a limit on a stream outright
    // (before the checkpoint is opened), which leaves the directory as it was all the same.
    [`checkpoint-version-4.0.0/${provider}/limit`, { query: limited, code: 'INVALID_QUERY', names: /[Ll]imit/, outputMode: 'append', note: 'limit on a stream is refused' } satisfies RefusalCase],
  ])),
  // Spark 4's operator metadata v2 and state schema files name the refusal.
  'checkpoint-version-4.0.0-tws-avro': { query: transformWithState, code: 'STATE_FORMAT_UNSUPPORTED', names: /state\/0\/_metadata\/v2/, outputMode: 'update' },
  'checkpoint-version-4.0.0-tws-unsaferow': { query: transformWithState, code: 'STATE_FORMAT_UNSUPPORTED', names: /state\/0\/_metadata\/v2/, outputMode: 'update' },
  // Checkpoint format v2: commits are `v2` with stateUniqueIds; the logs are read, the state is not.
  'checkpoint-version-4.0.0-checkpoint-v2/rocksdb/dedup': STATE_REFUSED(dedup, 'append'),
  'checkpoint-version-4.0.0-checkpoint-v2/rocksdb/join1': STATE_REFUSED(innerJoin, 'append'),
  'checkpoint-version-4.0.0-checkpoint-v2/rocksdb/join2': STATE_REFUSED(innerJoin, 'append'),
};

/** Fixtures whose test lives with the suite that reads them. */
const COVERED_ELSEWHERE: Readonly<Record<string, string>> = {
  'checkpoint-version-2.3.1-for-multi-watermark-policy': 'resumed: src/suites/eventTimeWatermark.test.ts, MultipleWatermarkPolicy: recovery from Spark ver 2.3.1 checkpoints ensures min policy',
  'checkpoint-version-2.4.3-kafka-include-headers-default': 'refused: sparkKafkaCheckpoint.test.ts (needs the test broker)',
};

describe('Spark checkpoint fixtures, second pass: every one resumed or refused, untouched when refused', () => {
  for (const [name, c] of Object.entries(REFUSED)) {
    it(`${name}: refused with ${c.code}${c.note ? ` (${c.note})` : ''}, directory byte-identical`, async () => {
      const dir = await writeFixture(fixture(name));
      const before = await hashDirectory(dir);
      const files = await listFiles(dir);
      const error = await startOn(dir, c.query(), c.outputMode ?? 'append');
      expect(isSluiceError(error, c.code), `${name}: ${error?.message ?? 'it ran'}`).toBe(true);
      expect(error!.message).toMatch(c.names);
      expect(await listFiles(dir)).toEqual(files);
      expect(await hashDirectory(dir), `${name} was changed by a refused start`).toBe(before);
    });
  }

  it('every restated fixture has a test', () => {
    const first = ['checkpoint-test-offsetId-commitId-inconsistent', 'checkpoint-version-2.1.0', 'checkpoint-version-2.3.1-without-commit-log-metadata', 'checkpoint-version-2.3.1-streaming-aggregate-state-format-1'];
    const untested = SPARK_CHECKPOINTS.map((f) => f.name).filter((n) => !(n in REFUSED) && !(n in COVERED_ELSEWHERE) && !first.includes(n));
    expect(untested).toEqual([]);
  });
});
