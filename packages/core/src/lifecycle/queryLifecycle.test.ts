import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { queryLifecycleMachine, type InitializeOutput } from './queryLifecycle.ts';
import { lifecycleStep } from './lifecycleStep.ts';
import { defaultTrigger, once } from '../triggers/trigger.ts';

function run(machine: typeof queryLifecycleMachine, trigger = defaultTrigger) {
  const states: string[] = [];
  const actor = createActor(machine, { input: { trigger } });
  actor.subscribe((s) => states.push(String(s.value)));
  actor.start();
  return { actor, states };
}

describe('queryLifecycleMachine', () => {
  it('walks offsets → WAL → processing → commit and waits when no data is left', () => {
    let polls = 0;
    const machine = queryLifecycleMachine.provide({
      actions: { getOffsets: lifecycleStep('getOffsets', () => ({ hasNewData: ++polls === 1 })) },
      delays: { triggerDelay: 1_000_000 },
    });
    const { actor, states } = run(machine);
    expect(states).toEqual(['initializing', 'gettingOffsets', 'walCommit', 'processing', 'committing', 'gettingOffsets', 'waiting']);
    expect(actor.getSnapshot().context.batchId).toBe(1);
    actor.send({ type: 'query.stop' });
    expect(actor.getSnapshot().value).toBe('stopped');
  });

  it('re-runs a pending batch straight from initializing', () => {
    const machine = queryLifecycleMachine.provide({
      actions: { initialize: lifecycleStep('initialize', (): InitializeOutput => ({ nextBatchId: 7, hasPendingBatch: true }), () => ({})) },
    });
    const { actor, states } = run(machine, once());
    // A recovered batch does not count as the `once` batch: the run then plans its own.
    expect(states.slice(0, 5)).toEqual(['initializing', 'processing', 'committing', 'gettingOffsets', 'stopped']);
    expect(actor.getSnapshot().context.batchId).toBe(8);
  });

  it('keeps the error of a failed step', () => {
    const machine = queryLifecycleMachine.provide({
      actions: {
        getOffsets: lifecycleStep('getOffsets', () => ({ hasNewData: true })),
        processBatch: lifecycleStep('processBatch', () => {
          throw new Error('boom');
        }),
      },
    });
    const { actor } = run(machine);
    expect(actor.getSnapshot().value).toBe('failed');
    expect((actor.getSnapshot().context.error as Error).message).toBe('boom');
  });

  it('a drain inside a batch lets it commit, then stops; outside a batch it stops at once', async () => {
    let finishBatch!: () => void;
    const machine = queryLifecycleMachine.provide({
      actions: {
        getOffsets: lifecycleStep('getOffsets', () => ({ hasNewData: true })),
        processBatch: lifecycleStep('processBatch', () => new Promise<void>((resolve) => (finishBatch = resolve))),
      },
    });
    const { actor, states } = run(machine);
    expect(actor.getSnapshot().value).toBe('processing');
    actor.send({ type: 'query.drain' });
    expect(actor.getSnapshot().value).toBe('processing');
    finishBatch();
    await Promise.resolve(); // the step answers once its promise settles
    expect(states.slice(-2)).toEqual(['committing', 'stopped']);
    expect(actor.getSnapshot().context.batchId).toBe(1);

    const idle = run(queryLifecycleMachine.provide({ delays: { triggerDelay: 1_000_000 } }));
    expect(idle.actor.getSnapshot().value).toBe('waiting');
    idle.actor.send({ type: 'query.drain' });
    expect(idle.actor.getSnapshot().value).toBe('stopped');
  });

  it('a stop after a drain abandons the batch in flight', () => {
    const machine = queryLifecycleMachine.provide({
      actions: {
        getOffsets: lifecycleStep('getOffsets', () => ({ hasNewData: true })),
        processBatch: lifecycleStep('processBatch', () => new Promise<void>(() => {})),
      },
    });
    const { actor, states } = run(machine);
    actor.send({ type: 'query.drain' });
    actor.send({ type: 'query.stop' });
    expect(states.slice(-2)).toEqual(['processing', 'stopped']);
    expect(actor.getSnapshot().context.batchId).toBe(0);
  });
});
