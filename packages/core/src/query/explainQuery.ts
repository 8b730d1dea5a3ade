import type { PlanNode, PlanStep } from '../builders/plan.ts';
import type { OutputMode, SourceProvider } from '../types.ts';

/** What `StreamingQuery.explain` shows, gathered from the query and its current run. */
export interface ExplainInput {
  readonly plan: PlanNode;
  readonly describeSource: (provider: SourceProvider) => string;
  readonly sink: string;
  readonly queryId: string;
  readonly outputMode: OutputMode;
  /** The last batch this run executed (Spark's `lastExecution`), or null before the first. */
  readonly lastBatchId: number | null;
}

export const NO_PHYSICAL_PLAN = 'No physical plan. Waiting for data.';

/**
 * Spark's `StreamingQuery.explain`: the plan of the last executed batch — "No physical plan.
 * Waiting for data." before there is one. `extended` adds the logical plans, as Spark prints
 * them (parsed, analyzed, optimized), before the physical plan.
 */
export function explainQuery(input: ExplainInput, extended = false): string {
  if (input.lastBatchId === null) return NO_PHYSICAL_PLAN;
  const physical = ['== Physical Plan ==', ...tree(`WriteToDataSourceV2 MicroBatchWrite[epoch: ${input.lastBatchId}, writer: ${input.sink}]`, input.plan, input, 'physical')].join('\n');
  if (!extended) return physical;
  const logical = tree(`WriteToMicroBatchDataSourceV2 ${input.sink}, ${input.queryId}, ${capitalise(input.outputMode)}`, input.plan, input, 'logical').join('\n');
  return ['== Parsed Logical Plan ==', logical, '', '== Analyzed Logical Plan ==', logical, '', '== Optimized Logical Plan ==', logical, '', physical].join('\n');
}

type Flavour = 'physical' | 'logical';

function tree(root: string, plan: PlanNode, input: ExplainInput, flavour: Flavour): string[] {
  const lines = [root];
  const stateful: PlanStep[] = [];
  const visit = (node: PlanNode, prefix: string, childPrefix: string): void => {
    const labels = nodeLabels(node, input, flavour, stateful);
    labels.forEach((label, i) => {
      const depthPrefix = i === 0 ? prefix : `${childPrefix}${'   '.repeat(i - 1)}+- `;
      lines.push(`${depthPrefix}${label}`);
    });
    const extraDepth = '   '.repeat(labels.length - 1);
    const children = node.kind === 'step' ? [node.input] : node.kind === 'source' ? [] : node.inputs;
    children.forEach((child) => visit(child, `${childPrefix}${extraDepth}+- `, `${childPrefix}${extraDepth}   `));
  };
  visit(plan, '+- ', '   ');
  return lines;
}

/** A node's lines: a stateful aggregation restores its state below where it saves it, as Spark's plans show. */
function nodeLabels(node: PlanNode, input: ExplainInput, flavour: Flavour, stateful: PlanStep[]): string[] {
  if (node.kind === 'union') return ['Union'];
  if (node.kind === 'source') {
    const columns = node.schema.fields.map((f) => f.name).join(', ');
    return [`${flavour === 'physical' ? 'MicroBatchScan' : 'StreamingDataSourceV2ScanRelation'}[${columns}] ${input.describeSource(node.provider)}`];
  }
  const step = node.step;
  if (flavour === 'logical' || !step.stateful) return [step.name];
  const operatorId = stateful.push(step) - 1;
  const info = `state info [ opId = ${operatorId}, ver = ${input.lastBatchId} ]`;
  return step.stateful.aggregates ? [`${step.name}, ${info}, ${capitalise(input.outputMode)}`, `StateStoreRestore, ${info}`] : [`${step.name}, ${info}`];
}

function capitalise(mode: string): string {
  return mode.charAt(0).toUpperCase() + mode.slice(1);
}
