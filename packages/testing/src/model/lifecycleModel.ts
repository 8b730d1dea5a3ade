import { getNextSnapshot } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { queryLifecycleMachine } from '@sluice/core/internal';
import { type Trigger } from '@sluice/core';

type Machine = typeof queryLifecycleMachine;
type Snapshot = ReturnType<Machine['transition']>;
export type ModelEvent = { readonly type: string; readonly output?: unknown; readonly error?: unknown };

/** One transition of the lifecycle: from a state, on an event type, to a state. */
export interface Transition {
  readonly from: string;
  readonly event: string;
  readonly to: string;
}

/** A path through the lifecycle machine: the trigger and the steps taken. */
export interface ModelPath {
  readonly trigger: Trigger;
  readonly steps: readonly { readonly from: string; readonly event: ModelEvent; readonly to: string }[];
}

const STEPS = ['initialize', 'getOffsets', 'walCommit', 'processBatch', 'commitBatch'] as const;

export const TRIGGERS: readonly Trigger[] = [{ kind: 'default' }, { kind: 'processingTime', intervalMs: 1000 }, { kind: 'once' }, { kind: 'availableNow' }];

/**
 * Every transition the machine definition declares (guarded alternatives count apart; the root's
 * `query.stop`/`query.drain` from every live state that does not handle the event itself).
 *
 * @example
 * declaredTransitions().length // every transition the lifecycle machine declares
 */
export function declaredTransitions(machine: Machine = queryLifecycleMachine): Transition[] {
  const out: Transition[] = [];
  const rootEvents = [...(machine.root as unknown as { transitions: Map<string, unknown[]> }).transitions.keys()];
  for (const [name, node] of Object.entries(machine.root.states)) {
    const transitions = (node as unknown as { transitions: Map<string, { target?: { key: string }[] }[]> }).transitions;
    for (const [event, definitions] of transitions) for (const d of definitions) out.push({ from: name, event, to: d.target?.[0]?.key ?? name });
    if (node.type !== 'final') for (const event of rootEvents) if (!transitions.has(event)) out.push({ from: name, event, to: 'stopped' });
  }
  return out;
}

/** The events worth sending under a trigger: step outcomes both ways, waking, the timer, stopping. */
export function modelEvents(trigger: Trigger): ModelEvent[] {
  const boom = new Error('scripted failure');
  const events: ModelEvent[] = [
    { type: 'query.stop' },
    { type: 'query.drain' },
    { type: 'xstate.after.triggerDelay.query.waiting' },
    { type: 'initialize.done', output: { nextBatchId: 0, hasPendingBatch: false } },
    { type: 'initialize.done', output: { nextBatchId: 0, hasPendingBatch: true } },
    { type: 'getOffsets.done', output: { hasNewData: true } },
    { type: 'getOffsets.done', output: { hasNewData: false } },
    ...STEPS.filter((a) => a !== 'initialize' && a !== 'getOffsets').map((a) => ({ type: `${a}.done` })),
    ...STEPS.map((a) => ({ type: `${a}.failed`, error: boom })),
  ];
  // A processingTime query is not woken by arriving data (Spark keeps the interval).
  if (trigger.kind !== 'processingTime') events.push({ type: 'query.trigger' });
  return events;
}

const serialize = (s: Snapshot) => JSON.stringify([s.value, s.context.recovered, s.context.trigger.kind, s.context.draining]);

/**
 * Paths that together take every transition reachable under each trigger: the shortest path to
 * each state, extended by every event that state reacts to.
 *
 * @example
 * const paths = lifecyclePaths();
 * for (const path of paths) await replayPath(path);
 * expect(transitionCoverage(paths).missed).toEqual([]);
 */
export function lifecyclePaths(machine: Machine = queryLifecycleMachine): ModelPath[] {
  const paths: ModelPath[] = [];
  for (const trigger of TRIGGERS) {
    const events = modelEvents(trigger);
    const shortest = getShortestPaths(machine, { input: { trigger }, events: events as never, serializeState: serialize as never });
    const seen = new Set<string>();
    for (const path of shortest) {
      const prefix = path.steps.slice(1).map((step, i) => ({ from: String(path.steps[i]!.state.value), event: step.event as ModelEvent, to: String(step.state.value) }));
      const end = path.state as Snapshot;
      if (isFinal(machine, String(end.value))) {
        paths.push({ trigger, steps: prefix });
        continue;
      }
      for (const event of events) {
        const next = getNextSnapshot(machine, end, event as never);
        if (next === end || (next.value === end.value && !reactsTo(String(end.value), event.type))) continue;
        // A second drain changes nothing the first did not.
        if (event.type === 'query.drain' && end.context.draining) continue;
        const key = `${serialize(end)} ${event.type} ${JSON.stringify(event.output)} ${serialize(next as Snapshot)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        paths.push({ trigger, steps: [...prefix, { from: String(end.value), event, to: String(next.value) }] });
      }
    }
  }
  return paths;
}

function isFinal(machine: Machine, state: string): boolean {
  return (machine.root.states as Record<string, { type: string }>)[state]?.type === 'final';
}

function reactsTo(state: string, event: string): boolean {
  return declaredTransitions().some((t) => t.from === state && t.event === event);
}

/**
 * Which declared transitions the paths take, and which they miss.
 *
 * @example
 * transitionCoverage(lifecyclePaths()).ratio // 1: every declared transition is on some path
 */
export function transitionCoverage(paths: readonly ModelPath[]): { covered: Transition[]; missed: Transition[]; ratio: number } {
  const taken = new Set(paths.flatMap((p) => p.steps.map((s) => `${s.from}|${s.event.type}|${s.to}`)));
  const all = declaredTransitions();
  const covered = all.filter((t) => taken.has(`${t.from}|${t.event}|${t.to}`));
  const missed = all.filter((t) => !taken.has(`${t.from}|${t.event}|${t.to}`));
  return { covered, missed, ratio: covered.length / all.length };
}

/**
 * A path in one line, e.g. `[processingTime] initializing done:initialize → waiting …`.
 *
 * @example
 * console.log(lifecyclePaths().map(describePath).join('\n')); // 'idle → … → stopped' per path
 */
export function describePath(path: ModelPath): string {
  return `[${path.trigger.kind}] ${['initializing', ...path.steps.map((s) => `${shortEvent(s.event)} → ${s.to}`)].join(' ')}`;
}

function shortEvent(event: ModelEvent): string {
  const name = event.type.replace('query.drain', 'drain').replace(/^(\w+)\.done$/, 'done:$1').replace(/^(\w+)\.failed$/, 'error:$1').replace('xstate.after.triggerDelay.query.waiting', 'after');
  const output = event.output as { hasNewData?: boolean; hasPendingBatch?: boolean } | undefined;
  if (output?.hasNewData !== undefined) return `${name}(${output.hasNewData ? 'data' : 'none'})`;
  if (output?.hasPendingBatch !== undefined) return `${name}(${output.hasPendingBatch ? 'pending' : 'fresh'})`;
  return name;
}
