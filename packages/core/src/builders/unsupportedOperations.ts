import { SluiceError } from '../errors.ts';
import type { OutputMode } from '../types.ts';
import type { PlanNode, PlanStep } from './plan.ts';

/**
 * Spark's `UnsupportedOperationChecker` for streaming queries, restated: which stateful operators
 * may run in which output mode, and in which order, checked when the query starts (before any
 * batch), with Spark's messages. Chained stateful operators run in append mode (Spark 3.4+):
 * each operator drops rows as late against the previous batch's watermark and evicts by the
 * current one, so what one emits is never late for the next.
 *
 * @example
 * checkStreamingPlan(frame.node, 'update') // throws UNSUPPORTED_OUTPUT_MODE for a session window
 */
export function checkStreamingPlan(node: PlanNode, mode: OutputMode, options: { readonly checkCorrectness?: boolean } = {}): void {
  const stateful = statefulPaths(node);
  checkGroupsWithStateCount(stateful.map(({ step }) => step.stateful!.kind ?? ''), mode);
  const aggregations = stateful.filter(({ step }) => isAggregation(step));
  if (mode === 'complete' && aggregations.length === 0) {
    throw new SluiceError('UNSUPPORTED_OUTPUT_MODE', 'Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets: a complete result table needs groupBy(...).agg(...). Use append or update.');
  }
  if (aggregations.length > 1 && mode !== 'append') {
    throw new SluiceError(
      'UNSUPPORTED_OUTPUT_MODE',
      `Multiple streaming aggregations are not supported with streaming DataFrames/Datasets in ${mode} output mode: only append mode can chain them (each window is emitted once, final). Use append mode with a watermark, or aggregate once.`,
    );
  }
  for (const { step, upstream } of completeDataSteps(node)) {
    if (mode !== 'complete' || !upstream.some(isAggregation)) throw new SluiceError('INVALID_QUERY', step.needsCompleteData!);
  }
  for (const { step, upstream } of stateful) {
    const kind = step.stateful!.kind;
    if (kind === 'streamingJoin' && mode !== 'append') {
      throw new SluiceError(
        'UNSUPPORTED_OUTPUT_MODE',
        `Join between two streaming DataFrames/Datasets is not supported in ${mode.charAt(0).toUpperCase()}${mode.slice(1)} output mode, only in Append output mode: a joined row, once emitted, is final. Use append mode.`,
      );
    }
    if (mode === 'append' && isAggregation(step) && !step.stateful!.eventTimeKey) {
      throw new SluiceError(
        'UNSUPPORTED_OUTPUT_MODE',
        'Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark: without a watermark a group is never final. Use update or complete, or add withWatermark(...) on the time column you group by (e.g. a window).',
      );
    }
    if (kind === 'sessionWindow' && mode === 'update') {
      throw new SluiceError('UNSUPPORTED_OUTPUT_MODE', 'Update output mode not supported for session window on streaming DataFrames/DataSets: a session can still merge with another, so its rows are not updates. Use append (with a watermark) or complete.');
    }
    if (step.stateful!.refusal) throw step.stateful!.refusal;
    if (kind !== undefined) checkGroupsWithState(kind, mode, aggregations.length > 0, upstream.some(isAggregation));
    if ((kind === 'dedupe' || kind === 'dedupeWithinWatermark') && mode !== 'append' && upstream.some(isAggregation)) {
      throw new SluiceError('UNSUPPORTED_OUTPUT_MODE', `dropDuplicates is not supported after aggregation on a streaming DataFrame/Dataset in ${mode} output mode: the aggregation's rows change. Deduplicate before aggregating, or use append mode.`);
    }
  }
  // Last, as Spark's checkForStreaming ends with it: the operators' own refusals come first.
  if (options.checkCorrectness !== false) checkGlobalWatermarkLimit(stateful, mode);
}

/**
 * Spark's `checkStreamingQueryGlobalWatermarkLimit` (on by default,
 * `spark.sql.streaming.statefulOperator.checkCorrectness.enabled`): a stateful operator after
 * one that can emit rows older than the watermark — `[flat]MapGroupsWithState` with an
 * event-time timeout, or an aggregation outside append mode — may drop them as late, so the
 * query is refused unless the check is turned off.
 */
function checkGlobalWatermarkLimit(stateful: readonly { step: PlanStep; upstream: PlanStep[] }[], mode: OutputMode): void {
  const isStatefulOperation = (step: PlanStep) => {
    const kind = step.stateful!.kind ?? '';
    return kind.startsWith('dedupe') && kind !== 'dedupeWithinWatermark' ? step.stateful!.eventTimeKey : true;
  };
  const emitsLateRows = (step: PlanStep) => {
    const kind = step.stateful!.kind ?? '';
    if (/^(flatMapGroupsWithState|mapGroupsWithState)/.test(kind) && step.stateful!.eventTimeKey) return true;
    return isAggregation(step) && mode !== 'append';
  };
  for (const { step, upstream } of stateful) {
    if (!isStatefulOperation(step) || !upstream.some(emitsLateRows)) continue;
    throw new SluiceError(
      'INVALID_QUERY',
      "Detected pattern of possible 'correctness' issue due to global watermark. The query contains stateful operation which can emit rows older than the current watermark plus allowed late record delay, which are \"late rows\" in downstream stateful operations and these rows can be discarded. If you understand the possible risk of correctness issue and still need to run the query, set the option 'statefulOperatorCheckCorrectness' (Spark's spark.sql.streaming.statefulOperator.checkCorrectness.enabled) to false.",
    );
  }
}

/** Spark's plan-wide rules for several `[flat]MapGroupsWithState`s, checked before any other. */
function checkGroupsWithStateCount(kinds: readonly string[], mode: OutputMode): void {
  const maps = kinds.filter((k) => k === 'mapGroupsWithState').length;
  const flatMaps = kinds.filter((k) => k.startsWith('flatMapGroupsWithState:'));
  if (maps >= 2) throw new SluiceError('INVALID_QUERY', 'Multiple mapGroupsWithStates are not supported on a streaming DataFrames/Datasets: keep one per query.');
  if (maps > 0 && flatMaps.length > 0) {
    throw new SluiceError('INVALID_QUERY', 'Mixing mapGroupsWithStates and flatMapGroupsWithStates are not supported on a streaming DataFrames/Datasets: use flatMapGroupsWithState for each.');
  }
  if (flatMaps.length >= 2 && (mode !== 'append' || flatMaps.some((k) => k !== 'flatMapGroupsWithState:append'))) {
    throw new SluiceError(
      'UNSUPPORTED_OUTPUT_MODE',
      'Multiple flatMapGroupsWithStates are not supported when they are not all in append mode or the output mode is not append on a streaming DataFrames/Datasets: chain them in append mode.',
    );
  }
}

const MODE_NAMES: Record<OutputMode, string> = { append: 'Append', update: 'Update', complete: 'Complete' };

/** Spark's rules for `mapGroupsWithState`, `flatMapGroupsWithState` and `transformWithState` (kinds `name[:operatorMode]`). */
function checkGroupsWithState(kind: string, mode: OutputMode, aggregationsInQuery: boolean, afterAggregation: boolean): void {
  const [name, operatorMode] = kind.split(':') as [string, OutputMode | undefined];
  const refuse = (message: string) => {
    throw new SluiceError('UNSUPPORTED_OUTPUT_MODE', message);
  };
  if (name === 'mapGroupsWithState') {
    if (aggregationsInQuery) refuse('mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset: use flatMapGroupsWithState in append mode before the aggregation.');
    if (mode !== 'update') refuse(`mapGroupsWithState is not supported with ${MODE_NAMES[mode]} output mode on a streaming DataFrame/Dataset: run the query in update mode, or use flatMapGroupsWithState.`);
    return;
  }
  if ((name !== 'flatMapGroupsWithState' && name !== 'transformWithState') || operatorMode === undefined) return;
  if (!aggregationsInQuery) {
    if (operatorMode !== mode) refuse(`${name} in ${operatorMode} mode is not supported with ${MODE_NAMES[mode]} output mode on a streaming DataFrame/Dataset: the operator's and the query's output modes must match.`);
  } else if (operatorMode === 'update') {
    refuse(`${name} in update mode is not supported with aggregation on a streaming DataFrame/Dataset: use its append mode.`);
  } else if (afterAggregation) {
    refuse(`${name} in append mode is not supported after aggregation on a streaming DataFrame/Dataset: apply it before aggregating.`);
  }
}

function isAggregation(step: PlanStep): boolean {
  return step.stateful?.aggregates === true;
}

/** Every stateful step with the stateful steps that feed it (its upstream), in plan order. */
function statefulPaths(node: PlanNode): { step: PlanStep; upstream: PlanStep[] }[] {
  const out: { step: PlanStep; upstream: PlanStep[] }[] = [];
  const visit = (n: PlanNode): PlanStep[] => {
    if (n.kind === 'source') return [];
    if (n.kind === 'union') return n.inputs.flatMap(visit);
    const upstream = n.kind === 'join' ? n.inputs.flatMap(visit) : visit(n.input);
    if (!n.step.stateful) return upstream;
    out.push({ step: n.step, upstream });
    return [...upstream, n.step];
  };
  visit(node);
  return out;
}

/** Steps that need a batch's whole result (sort, limit), with the stateful steps that feed them. */
function completeDataSteps(node: PlanNode): { step: PlanStep; upstream: PlanStep[] }[] {
  const out: { step: PlanStep; upstream: PlanStep[] }[] = [];
  const visit = (n: PlanNode): PlanStep[] => {
    if (n.kind === 'source') return [];
    if (n.kind === 'union') return n.inputs.flatMap(visit);
    const upstream = n.kind === 'join' ? n.inputs.flatMap(visit) : visit(n.input);
    if (n.step.needsCompleteData !== undefined) out.push({ step: n.step, upstream });
    return n.step.stateful ? [...upstream, n.step] : upstream;
  };
  visit(node);
  return out;
}
