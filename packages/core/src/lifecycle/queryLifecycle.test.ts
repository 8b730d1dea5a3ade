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
});
