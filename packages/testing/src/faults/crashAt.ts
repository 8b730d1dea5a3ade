import { SimulatedCrash, type FaultInjector, type FaultPhase, type FaultPoint } from '@sluice/core/connector';

/** Where a crash happens: a lifecycle point or a sink's own point (`sink:<name>`), and when. */
export interface CrashSpec {
  readonly point: FaultPoint;
  /** Default: 'before' for lifecycle points, 'during' for sink points. */
  readonly phase?: FaultPhase;
  /** Only in this batch (default: any batch). */
  readonly batchId?: number;
  /** Crash at the n-th time the point is reached (1-based, default 1). */
  readonly occurrence?: number;
}

/** A crash spec that is also its injector: fires once, and can say whether it did. */
export interface ArmedCrash extends FaultInjector, CrashSpec {
  readonly fired: boolean;
}

/**
 * A fault injector that kills the query at one point, as `kill -9` would there: nothing after
 * it runs, the checkpoint lock is abandoned. Use it with `.faults(...)` on a writer or in
 * `sluiceMarbles` lifecycle marbles.
 *
 * @example
 * frame.writeStream().faults(crashAt('addBatch', 'after', { batchId: 1 }))   // sink wrote batch 1, commit log did not
 * frame.writeStream().faults(crashAt('sink:files-written'))                // inside a sink's own write
 */
export function crashAt(point: FaultPoint, phase?: FaultPhase, options: { batchId?: number; occurrence?: number } = {}): ArmedCrash {
  const spec: CrashSpec = { point, ...(phase ? { phase } : {}), ...options };
  return armed(spec);
}

/**
 * A crash injector from a `CrashSpec` (what `crashAt` and lifecycle marbles build).
 *
 * @example
 * const crash = armed({ point: 'addBatch', phase: 'after', batchId: 2 });
 * await frame.writeStream().faults(crash).format('memory').queryName('t').start(); // crash.fired tells whether it did
 */
export function armed(crash: CrashSpec): ArmedCrash {
  const spec: CrashSpec = { point: crash.point, ...(crash.phase ? { phase: crash.phase } : {}), ...(crash.batchId !== undefined ? { batchId: crash.batchId } : {}), ...(crash.occurrence !== undefined ? { occurrence: crash.occurrence } : {}) };
  const phase = spec.phase ?? (spec.point.startsWith('sink:') ? 'during' : 'before');
  let seen = 0;
  let fired = false;
  return {
    ...spec,
    get fired() {
      return fired;
    },
    at(point, at, batchId) {
      if (fired || point !== spec.point || at !== phase) return;
      if (spec.batchId !== undefined && batchId !== spec.batchId) return;
      if (++seen < (spec.occurrence ?? 1)) return;
      fired = true;
      throw new SimulatedCrash(`${phase}:${point}${batchId >= 0 ? ` (batch ${batchId})` : ''}`);
    },
  };
}

/**
 * Describe a crash spec the way counterexamples print it: `after:addBatch#2`.
 *
 * @example
 * describeCrash({ point: 'commit', phase: 'before', batchId: 1 }) // 'before:commit@1'
 */
export function describeCrash(spec: CrashSpec): string {
  const phase = spec.phase ?? (spec.point.startsWith('sink:') ? 'during' : 'before');
  return `${phase}:${spec.point}${spec.batchId !== undefined ? `@${spec.batchId}` : ''}${(spec.occurrence ?? 1) > 1 ? `#${spec.occurrence}` : ''}`;
}

/**
 * Record every fault point a run reaches (to discover a sink's own points), without crashing.
 *
 * @example
 * const recorder = pointRecorder();
 * await frame.writeStream().faults(recorder).format('delta').start('/tmp/t');
 * console.log([...recorder.points]); // every crash point the run passed, the sink's own included
 */
export function pointRecorder(): FaultInjector & { readonly points: ReadonlySet<FaultPoint> } {
  const points = new Set<FaultPoint>();
  return { points, at: (point) => void points.add(point) };
}

export { isSimulatedCrash } from '@sluice/core/connector';
