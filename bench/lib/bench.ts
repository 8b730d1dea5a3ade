/**
 * The shape every benchmark in bench/ takes. A benchmark measures Sluice and a baseline in the
 * same run (this machine is noisy, so only ratios travel) and reports them through `report`.
 */
export interface Measurement {
  /** What was measured, e.g. "rate-micro-batch → noop". */
  readonly name: string;
  /** Unit of `value` and `baseline`, e.g. "rows/s", "ms". */
  readonly unit: string;
  readonly value: number;
  /** The same work done without Sluice (a hand-written loop, raw client, DuckDB …). */
  readonly baseline?: { readonly name: string; readonly value: number };
  /** The target, as text: "≥ 0.5×", "≤ 2 ms". */
  readonly target?: string;
  /** Whether higher is better (throughput) or lower (latency); decides the ratio's direction. */
  readonly better: 'higher' | 'lower';
}

export interface BenchContext {
  report(measurement: Measurement): void;
  /** A line of progress for long benchmarks (stderr, so results stay clean). */
  progress(message: string): void;
}

export interface Bench {
  readonly name: string;
  run(context: BenchContext): Promise<void>;
}

/** Ratio of Sluice to the baseline, oriented so that > 1 means Sluice did better. */
export function ratioOf(m: Measurement): number | undefined {
  if (!m.baseline || m.baseline.value === 0 || m.value === 0) return undefined;
  return m.better === 'higher' ? m.value / m.baseline.value : m.baseline.value / m.value;
}

/** Median of samples; benchmarks repeat and report the median. */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
