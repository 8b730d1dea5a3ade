import { assign, setup } from 'xstate';
import type { Trigger } from '../triggers/trigger.ts';
import { lifecycleStep, type LifecycleStepName, type StepDoneEvent, type StepFailedEvent } from './lifecycleStep.ts';

/**
 * The lifecycle of one run of a streaming query, as one XState machine (DESIGN §7):
 *
 *   initializing → waiting ⇄ gettingOffsets → walCommit → processing → committing → waiting
 *                    ↓ query.stop (from any state)                ↓ any step fails
 *                 stopped                                       failed (error kept)
 *
 * `query.drain` is a stop at the next batch boundary: outside a batch it stops at once; inside
 * one (walCommit, processing, committing) the batch runs to its commit first. A drain whose
 * deadline passes is followed by `query.stop`, which abandons the batch.
 *
 * The machine is the control flow only; the data each step reads and writes (offsets, tables,
 * the checkpoint) lives in the query run that `.provide()`s the steps. Tests provide fakes the
 * same way, which is how the model-based test walks every transition.
 *
 * A step is its state's entry action (`lifecycleStep`): a plain function run once per entry,
 * answering `<step>.done` or `<step>.failed`. Steps are not invoked actors, because creating and
 * stopping an actor per step cost more CPU than the rest of a small batch's cycle.
 */

export interface LifecycleInput {
  readonly trigger: Trigger;
}

export interface LifecycleContext {
  readonly trigger: Trigger;
  /** The batch being planned or run, or the next one to plan. */
  readonly batchId: number;
  /** The batch in flight re-runs a logged but uncommitted batch from before a restart. */
  readonly recovered: boolean;
  /** Batches committed by this run; `once` stops after its first planned batch. */
  readonly committedThisRun: number;
  /** Whether the last offset check found new data (Spark's `isDataAvailable`). */
  readonly isDataAvailable: boolean;
  /** A stop at the batch boundary was asked for: the batch in flight commits, then the run stops. */
  readonly draining: boolean;
  readonly error: unknown;
}

export type LifecycleEvent =
  /** Wake a waiting query now (data arrived, processAllAvailable). */
  | { readonly type: 'query.trigger' }
  /** Stop now: a batch in flight is abandoned uncommitted (it re-runs on restart). */
  | { readonly type: 'query.stop' }
  /** Stop at the next batch boundary: a batch in flight finishes and commits first. */
  | { readonly type: 'query.drain' };

export interface InitializeOutput {
  readonly nextBatchId: number;
  /** The trigger in force, when the run had to change it (availableNow on a source without support → once). */
  readonly trigger?: Trigger;
  /** A batch was logged in `offsets/N` but not committed: it runs first, with its recorded range. */
  readonly hasPendingBatch: boolean;
}

export interface GetOffsetsOutput {
  readonly hasNewData: boolean;
}

export interface BatchStepInput {
  readonly batchId: number;
}

/** How the steps answer the machine (sent by `lifecycleStep`, never by users). */
export type LifecycleStepEvent =
  | StepDoneEvent<'initialize', InitializeOutput>
  | StepDoneEvent<'getOffsets', GetOffsetsOutput>
  | StepDoneEvent<'walCommit', void>
  | StepDoneEvent<'processBatch', void>
  | StepDoneEvent<'commitBatch', void>
  | StepFailedEvent<LifecycleStepName>;

export const queryLifecycleMachine = setup({
  types: {
    context: {} as LifecycleContext,
    events: {} as LifecycleEvent | LifecycleStepEvent,
    input: {} as LifecycleInput,
  },
  actions: {
    // Placeholders: the query run provides the real steps with `.provide({ actions })`.
    initialize: lifecycleStep('initialize', (): InitializeOutput => ({ nextBatchId: 0, hasPendingBatch: false }), () => ({})),
    getOffsets: lifecycleStep('getOffsets', (): GetOffsetsOutput => ({ hasNewData: false })),
    walCommit: lifecycleStep('walCommit', () => undefined),
    processBatch: lifecycleStep('processBatch', () => undefined),
    commitBatch: lifecycleStep('commitBatch', () => undefined),
    keepError: assign({ error: ({ event }) => (event as StepFailedEvent<LifecycleStepName>).error }),
    advanceBatch: assign({
      batchId: ({ context }) => context.batchId + 1,
      recovered: false,
      committedThisRun: ({ context }) => context.committedThisRun + 1,
    }),
    markDraining: assign({ draining: true }),
  },
  delays: {
    /** Time until the next trigger fires; the run computes it from its clock and trigger. */
    triggerDelay: ({ context }) => (context.trigger.kind === 'processingTime' ? context.trigger.intervalMs : 10),
  },
  guards: {
    /** After a batch: may the next trigger fire at once (default trigger, availableNow, an overrun interval)? */
    nextTriggerDue: ({ context }) => context.trigger.kind !== 'processingTime',
    /** `once` is done after the batch it planned; `availableNow` and `once` stop when nothing is left. */
    isFinishedAfterBatch: ({ context }) => context.trigger.kind === 'once' && !context.recovered,
    isFiniteTrigger: ({ context }) => context.trigger.kind === 'once' || context.trigger.kind === 'availableNow',
    isDraining: ({ context }) => context.draining,
  },
}).createMachine({
  id: 'query',
  context: ({ input }) => ({
    trigger: input.trigger,
    batchId: 0,
    recovered: false,
    committedThisRun: 0,
    isDataAvailable: false,
    draining: false,
    error: undefined,
  }),
  initial: 'initializing',
  // Outside a batch, a drain is a stop; the three in-batch states below override it.
  on: { 'query.stop': '.stopped', 'query.drain': '.stopped' },
  states: {
    initializing: {
      entry: 'initialize',
      on: {
        'initialize.done': [
          {
            guard: ({ event }) => event.output.hasPendingBatch,
            target: 'processing',
            actions: assign({
              batchId: ({ event }) => event.output.nextBatchId,
              trigger: ({ event, context }) => event.output.trigger ?? context.trigger,
              recovered: true,
              isDataAvailable: true,
            }),
          },
          {
            target: 'gettingOffsets',
            actions: assign({ batchId: ({ event }) => event.output.nextBatchId, trigger: ({ event, context }) => event.output.trigger ?? context.trigger }),
          },
        ],
        'initialize.failed': { target: 'failed', actions: 'keepError' },
      },
    },
    waiting: {
      after: { triggerDelay: 'gettingOffsets' },
      on: { 'query.trigger': 'gettingOffsets' },
    },
    gettingOffsets: {
      entry: 'getOffsets',
      on: {
        'getOffsets.done': [
          { guard: ({ event }) => event.output.hasNewData, target: 'walCommit', actions: assign({ isDataAvailable: true }) },
          { guard: 'isFiniteTrigger', target: 'stopped', actions: assign({ isDataAvailable: false }) },
          { target: 'waiting', actions: assign({ isDataAvailable: false }) },
        ],
        'getOffsets.failed': { target: 'failed', actions: 'keepError' },
      },
    },
    walCommit: {
      entry: 'walCommit',
      on: {
        'walCommit.done': 'processing',
        'walCommit.failed': { target: 'failed', actions: 'keepError' },
        'query.drain': { actions: 'markDraining' },
      },
    },
    processing: {
      entry: 'processBatch',
      on: {
        'processBatch.done': 'committing',
        'processBatch.failed': { target: 'failed', actions: 'keepError' },
        'query.drain': { actions: 'markDraining' },
      },
    },
    committing: {
      entry: 'commitBatch',
      on: {
        'commitBatch.done': [
          { guard: 'isDraining', target: 'stopped', actions: 'advanceBatch' },
          { guard: 'isFinishedAfterBatch', target: 'stopped', actions: 'advanceBatch' },
          { guard: 'nextTriggerDue', target: 'gettingOffsets', actions: 'advanceBatch' },
          { target: 'waiting', actions: 'advanceBatch' },
        ],
        'commitBatch.failed': { target: 'failed', actions: 'keepError' },
        'query.drain': { actions: 'markDraining' },
      },
    },
    stopped: { type: 'final' },
    failed: { type: 'final' },
  },
});

export type QueryLifecycleMachine = typeof queryLifecycleMachine;
export type LifecycleStateName = 'initializing' | 'waiting' | 'gettingOffsets' | 'walCommit' | 'processing' | 'committing' | 'stopped' | 'failed';
