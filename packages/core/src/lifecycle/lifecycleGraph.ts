import { queryLifecycleMachine } from './queryLifecycle.ts';

/** One arrow of the lifecycle diagram. */
export interface LifecycleEdge {
  readonly from: string;
  readonly to: string;
  /** What moves the query along it: `done`/`error` of the state's step, `after` (the trigger timer), or an event name. */
  readonly on: string;
}

/** The lifecycle machine as a diagram: its states in declaration order and the arrows between them. */
export interface LifecycleGraph {
  readonly states: readonly { readonly name: string; readonly final: boolean }[];
  readonly edges: readonly LifecycleEdge[];
  /** Events every live state reacts to the same way (`query.stop` → stopped), drawn once rather than per state. */
  readonly fromAnyState: readonly { readonly on: string; readonly to: string }[];
}

interface NodeLike {
  readonly key: string;
  readonly type: string;
  readonly transitions: Map<string, readonly { readonly target?: readonly { readonly key: string }[] }[]>;
}

/**
 * Read the states and transitions out of the lifecycle machine itself, so a dashboard draws the
 * machine that runs (and keeps drawing it right when the machine changes) instead of a copy.
 *
 * @example
 * const { states, edges } = lifecycleGraph();
 * // states[0].name === 'initializing'; edges include { from: 'walCommit', to: 'processing', on: 'done' }
 */
export function lifecycleGraph(machine: typeof queryLifecycleMachine = queryLifecycleMachine): LifecycleGraph {
  const root = machine.root as unknown as NodeLike & { states: Record<string, NodeLike> };
  const fromAnyState = [...root.transitions].flatMap(([event, defs]) => defs.map((d) => ({ on: event, to: d.target?.[0]?.key ?? '' })));
  const states = Object.values(root.states).map((node) => ({ name: node.key, final: node.type === 'final' }));
  const edges: LifecycleEdge[] = [];
  const seen = new Set<string>();
  for (const node of Object.values(root.states)) {
    for (const [event, defs] of node.transitions) {
      for (const def of defs) {
        const to = def.target?.[0]?.key;
        // Targetless handlers (a drain marked inside a batch) change context, not state: no arrow.
        if (to === undefined || to === node.key) continue;
        const edge = { from: node.key, to, on: shortEventName(event) };
        const key = `${edge.from}|${edge.to}|${edge.on}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push(edge);
      }
    }
  }
  return { states, edges, fromAnyState };
}

function shortEventName(event: string): string {
  // A state's own step answers `<step>.done` or `<step>.failed` (lifecycleStep).
  if (/^\w+\.done$/.test(event) && !event.startsWith('query.')) return 'done';
  if (/^\w+\.failed$/.test(event) && !event.startsWith('query.')) return 'error';
  if (event.startsWith('xstate.after.')) return 'after';
  return event;
}
