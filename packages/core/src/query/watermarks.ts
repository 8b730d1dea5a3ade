import { SluiceError } from '../errors.ts';

/** Spark's `spark.sql.streaming.multipleWatermarkPolicy`: which input's watermark a query with several follows. */
export type WatermarkPolicy = 'min' | 'max';

/** The key under which the policy is kept in `offsets/N` (Spark's conf name), so a restart keeps it. */
export const WATERMARK_POLICY_CONF = 'spark.sql.streaming.multipleWatermarkPolicy';

export function parseWatermarkPolicy(raw: unknown): WatermarkPolicy {
  const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
  if (value === 'min' || value === 'max') return value;
  throw new SluiceError(
    'INVALID_OPTION',
    `Option 'multipleWatermarkPolicy' is ${JSON.stringify(raw)}; valid values are 'min' and 'max' (min: the slowest input holds the watermark back, max: the fastest input moves it).`,
    { details: { option: 'multipleWatermarkPolicy' } },
  );
}

/**
 * The policy a (re)started query runs with. A checkpoint's recorded policy wins over the one
 * asked for now; a checkpoint from before the policy existed (Spark 2.3) ran with `min`.
 */
export function effectivePolicy(requested: WatermarkPolicy, recordedConf: Readonly<Record<string, string>> | null): WatermarkPolicy {
  if (recordedConf === null) return requested;
  const recorded = recordedConf[WATERMARK_POLICY_CONF];
  return recorded === undefined ? 'min' : parseWatermarkPolicy(recorded);
}

/**
 * Spark's WatermarkTracker. Each `withWatermark` input keeps the highest watermark it has reached
 * (its max event time − its delay) across batches; an input that has seen no rows since the run
 * started counts as 0. The query's watermark is the min (or max) of those, and never moves back.
 * Like Spark, the per-input values are not checkpointed: after a restart an input holds the
 * watermark at 0 (under `min`) until it sees rows again, while the recovered global value stays.
 */
export class WatermarkTracker {
  private readonly perInput = new Map<number, number>();

  constructor(
    private readonly policy: WatermarkPolicy,
    private globalMs: number,
  ) {}

  get currentMs(): number {
    return this.globalMs;
  }

  /**
   * Fold in one batch: for each watermark input (in plan order), the max event time it saw and
   * its delay; returns the watermark for the next batch.
   */
  advance(inputs: readonly { readonly maxEventTimeMs: number | undefined; readonly delayMs: number }[]): number {
    if (inputs.length === 0) return this.globalMs;
    inputs.forEach(({ maxEventTimeMs, delayMs }, index) => {
      const previous = this.perInput.get(index);
      if (maxEventTimeMs !== undefined) {
        const candidate = maxEventTimeMs - delayMs;
        if (previous === undefined || candidate > previous) this.perInput.set(index, candidate);
      } else if (previous === undefined) {
        this.perInput.set(index, 0);
      }
    });
    const values = [...this.perInput.values()];
    const chosen = this.policy === 'min' ? Math.min(...values) : Math.max(...values);
    if (chosen > this.globalMs) this.globalMs = chosen;
    return this.globalMs;
  }
}
