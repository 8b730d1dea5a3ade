import fc from 'fast-check';
import { FAULT_POINTS, type FaultPhase, type FaultPoint } from '@sluice/core/connector';
import type { CrashSpec } from '../faults/crashAt.ts';

/** One generated test: what arrives, in which steps, and where the process dies. */
export interface Scenario {
  /** Each entry is one `addData` call: the partition of each row (rows get per-partition sequence numbers). */
  readonly arrivals: readonly (readonly number[])[];
  /** Run the query to quiescence after every `driveEvery` arrivals. */
  readonly driveEvery: number;
  /** Crashes, armed one per run in order. */
  readonly crashes: readonly CrashSpec[];
}

/** Every crash point worth trying: both sides of each lifecycle step, plus the sink's own points. */
export function crashPoints(sinkPoints: readonly FaultPoint[]): { point: FaultPoint; phase: FaultPhase }[] {
  const lifecycle = FAULT_POINTS.flatMap((point) => (['before', 'after'] as const).map((phase) => ({ point: point as FaultPoint, phase })));
  return [...lifecycle, ...sinkPoints.map((point) => ({ point, phase: 'during' as const }))];
}

export function scenarioArbitrary(sinkPoints: readonly FaultPoint[], partitions = 3): fc.Arbitrary<Scenario> {
  const points = crashPoints(sinkPoints);
  return fc.record({
    arrivals: fc.array(fc.array(fc.integer({ min: 0, max: partitions - 1 }), { maxLength: 6 }), { minLength: 1, maxLength: 7 }),
    driveEvery: fc.integer({ min: 1, max: 3 }),
    crashes: fc.array(
      fc.record({ at: fc.constantFrom(...points), occurrence: fc.integer({ min: 1, max: 3 }) }).map(({ at, occurrence }) => ({ point: at.point, phase: at.phase, occurrence })),
      { maxLength: 4 },
    ),
  });
}

export type InputRow = {
  readonly partition: number;
  readonly seq: number;
  readonly id: string;
};

/** The rows of each arrival, numbered per partition: `p1#3` is the 4th row of partition 1. */
export function rowsOf(scenario: Scenario): InputRow[][] {
  const next = new Map<number, number>();
  return scenario.arrivals.map((partitions) =>
    partitions.map((partition) => {
      const seq = next.get(partition) ?? 0;
      next.set(partition, seq + 1);
      return { partition, seq, id: `p${partition}#${seq}` };
    }),
  );
}
