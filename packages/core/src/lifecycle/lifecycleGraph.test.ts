import { describe, expect, it } from 'vitest';
import { lifecycleGraph } from './lifecycleGraph.ts';

describe('lifecycleGraph', () => {
  it('lists the machine states in order and marks the final ones', () => {
    const { states } = lifecycleGraph();
    expect(states.map((s) => s.name)).toEqual(['initializing', 'waiting', 'gettingOffsets', 'walCommit', 'processing', 'committing', 'stopped', 'failed']);
    expect(states.filter((s) => s.final).map((s) => s.name)).toEqual(['stopped', 'failed']);
  });

  it('draws the batch loop, the failures and the stops that come from anywhere once', () => {
    const { edges, fromAnyState } = lifecycleGraph();
    expect(edges).toEqual(expect.arrayContaining([
      { from: 'waiting', to: 'gettingOffsets', on: 'query.trigger' },
      { from: 'waiting', to: 'gettingOffsets', on: 'after' },
      { from: 'gettingOffsets', to: 'walCommit', on: 'done' },
      { from: 'walCommit', to: 'processing', on: 'done' },
      { from: 'processing', to: 'committing', on: 'done' },
      { from: 'committing', to: 'waiting', on: 'done' },
      { from: 'processing', to: 'failed', on: 'error' },
      { from: 'initializing', to: 'processing', on: 'done' },
    ]));
    expect(edges.filter((e) => e.from === 'committing' && e.to === 'stopped')).toHaveLength(1);
    expect(fromAnyState).toEqual([{ on: 'query.stop', to: 'stopped' }, { on: 'query.drain', to: 'stopped' }]);
  });
});
