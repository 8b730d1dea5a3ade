/**
 * Crash points inside the lifecycle, for fault-injection tests (`@sluice/testing` builds on
 * them). A point is a step boundary: `before` runs before the step touches anything, `after`
 * once its effect is durable (e.g. `after:walCommit` = offsets/N written, `after:addBatch` =
 * the sink wrote the batch but the commit log does not know yet).
 */
export const FAULT_POINTS = ['initialize', 'getOffsets', 'walCommit', 'getBatch', 'addBatch', 'commit'] as const;
/** A point of the batch lifecycle where a fault can be injected (`getOffsets`, `walCommit`, `addBatch`, `commit` …). */
export type LifecyclePoint = (typeof FAULT_POINTS)[number];
/**
 * A lifecycle point, or a point a sink declares inside its own write protocol
 * (`sink:files-written`, `sink:before-commit` …) through `BatchContext.fault` — the "during"
 * of a sink write, where a crash leaves partial output behind.
 */
export type FaultPoint = LifecyclePoint | `sink:${string}`;
/** When, at a fault point, the fault fires: before the step, after it, or during a sink's own write. */
export type FaultPhase = 'before' | 'after' | 'during';

/** Decides at each fault point whether the run crashes there (fault-injection tests); `crashAt` builds one. */
export interface FaultInjector {
  /** Called at each boundary; throwing a `SimulatedCrash` kills the run there, as kill -9 would. */
  at(point: FaultPoint, phase: FaultPhase, batchId: number): void | Promise<void>;
}

/**
 * Thrown by a fault injector to simulate the process dying. The run stops dead: no commit, no
 * graceful close; the checkpoint lock is abandoned (left on disk, as a dead process leaves it).
 */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
  constructor(readonly point: string) {
    super(`Simulated crash at ${point}`);
  }
}

/** Whether an error is a simulated crash, or was caused by one (sinks may wrap what they catch). */
export function isSimulatedCrash(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof SimulatedCrash) return true;
  }
  return false;
}
