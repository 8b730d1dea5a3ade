import { SluiceError } from '../errors.ts';
import { opt, type Option } from '../options/optionTypes.ts';
import { parseWatermarkPolicy, type WatermarkPolicy } from '../query/watermarks.ts';

/**
 * Writer options the engine takes for itself (Spark's `spark.sql.streaming.*` session confs,
 * set per query here); every other option goes to the sink. Spark's full conf names are
 * accepted too: `.option('spark.sql.streaming.multipleWatermarkPolicy', 'max')`.
 */
export interface EngineOptions {
  /** Offsets/commits entries kept (Spark's minBatchesToRetain, 100). */
  readonly minBatchesToRetain: number;
  readonly pollingDelay: number;
  /** At most one idle progress event per this interval (ms). */
  readonly noDataProgressEventInterval: number;
  /** Which input's watermark a query with several follows (Spark's multipleWatermarkPolicy). */
  readonly multipleWatermarkPolicy: WatermarkPolicy;
  /** Run a batch without new data when the watermark moved, to emit and evict (Spark's noDataMicroBatches.enabled). */
  readonly noDataMicroBatches: boolean;
  /** Refuse a stateful operator after one that may emit late rows (Spark's statefulOperator.checkCorrectness.enabled, true). */
  readonly statefulOperatorCheckCorrectness: boolean;
}

const NUMERIC: Record<string, { option: Option<number, number, unknown>; spark: string }> = {
  minBatchesToRetain: { option: opt.positiveInt().default(100), spark: 'spark.sql.streaming.minBatchesToRetain' },
  pollingDelay: { option: opt.duration('ms').default(10), spark: 'spark.sql.streaming.pollingDelay' },
  noDataProgressEventInterval: { option: opt.duration('ms').default(10_000), spark: 'spark.sql.streaming.noDataProgressEventInterval' },
};
const NO_DATA_BATCHES = ['noDataMicroBatches', 'spark.sql.streaming.noDataMicroBatches.enabled'];
const POLICY = ['multipleWatermarkPolicy', 'spark.sql.streaming.multipleWatermarkPolicy'];
const CHECK_CORRECTNESS = ['statefulOperatorCheckCorrectness', 'spark.sql.streaming.statefulOperator.checkCorrectness.enabled'];

/** Lower-cased names of every engine option, Spark's spellings included. */
export const ENGINE_OPTION_NAMES: ReadonlySet<string> = new Set(
  [...Object.keys(NUMERIC), ...Object.values(NUMERIC).map((n) => n.spark), ...NO_DATA_BATCHES, ...POLICY, ...CHECK_CORRECTNESS].map((k) => k.toLowerCase()),
);

export function parseEngineOptions(raw: Readonly<Record<string, unknown>>): EngineOptions {
  const find = (names: readonly string[]) => Object.entries(raw).find(([k]) => names.some((n) => n.toLowerCase() === k.toLowerCase()));
  const numbers: Record<string, number> = {};
  for (const [name, { option, spark }] of Object.entries(NUMERIC)) {
    const entry = find([name, spark]);
    const value = entry === undefined ? option.defaultValue : option.accept(entry[1]);
    if (value === undefined) throw new SluiceError('INVALID_OPTION', `Option '${name}' must be ${option.type.expected}, got ${JSON.stringify(entry![1])}.`, { details: { option: name } });
    numbers[name] = value;
  }
  const noData = find(NO_DATA_BATCHES);
  const noDataValue = noData === undefined ? true : opt.boolean().accept(noData[1]);
  if (noDataValue === undefined) throw new SluiceError('INVALID_OPTION', `Option 'noDataMicroBatches' must be true or false, got ${JSON.stringify(noData![1])}.`, { details: { option: 'noDataMicroBatches' } });
  const policy = find(POLICY);
  const check = find(CHECK_CORRECTNESS);
  const checkValue = check === undefined ? true : opt.boolean().accept(check[1]);
  if (checkValue === undefined) throw new SluiceError('INVALID_OPTION', `Option 'statefulOperatorCheckCorrectness' must be true or false, got ${JSON.stringify(check![1])}.`, { details: { option: 'statefulOperatorCheckCorrectness' } });
  return {
    minBatchesToRetain: numbers['minBatchesToRetain']!,
    pollingDelay: numbers['pollingDelay']!,
    noDataProgressEventInterval: numbers['noDataProgressEventInterval']!,
    noDataMicroBatches: noDataValue,
    multipleWatermarkPolicy: policy === undefined ? 'min' : parseWatermarkPolicy(policy[1]),
    statefulOperatorCheckCorrectness: checkValue,
  };
}
