import type { Schema, Table } from 'apache-arrow';
import { concatTables } from '../arrow/tables.ts';
import type { SourceProvider } from '../types.ts';

/** What an operator sees of the batch it transforms. */
export interface OperatorContext {
  readonly batchId: number;
  /** The batch's frozen "now" (from `offsets/N`): identical when a batch is replayed. */
  readonly batchTimestampMs: number;
  readonly watermarkMs: number;
}

/** One bound transformation: its output schema is known when the query is defined. */
export interface PlanStep {
  /** How `explain()` shows it, e.g. `Filter (value > 5)`. */
  readonly name: string;
  readonly schema: Schema;
  apply(table: Table, context: OperatorContext): Table | Promise<Table>;
}

/** The logical plan: sources at the leaves, steps and unions above them. */
export type PlanNode =
  | { readonly kind: 'source'; readonly provider: SourceProvider; readonly schema: Schema }
  | { readonly kind: 'step'; readonly step: PlanStep; readonly input: PlanNode; readonly schema: Schema }
  | { readonly kind: 'union'; readonly inputs: readonly PlanNode[]; readonly schema: Schema };

/** The plan's sources, left to right, each once: their position is their checkpoint index. */
export function planSources(node: PlanNode): SourceProvider[] {
  const found: SourceProvider[] = [];
  const visit = (n: PlanNode): void => {
    if (n.kind === 'source') {
      if (!found.includes(n.provider)) found.push(n.provider);
    } else if (n.kind === 'step') visit(n.input);
    else n.inputs.forEach(visit);
  };
  visit(node);
  return found;
}

/** Run the plan over one batch: `inputs` holds each source's table for the batch. */
export async function executePlan(node: PlanNode, inputs: ReadonlyMap<SourceProvider, Table>, context: OperatorContext): Promise<Table> {
  switch (node.kind) {
    case 'source':
      return inputs.get(node.provider)!;
    case 'step':
      return node.step.apply(await executePlan(node.input, inputs, context), context);
    case 'union': {
      const tables = await Promise.all(node.inputs.map((input) => executePlan(input, inputs, context)));
      return concatTables(node.schema, tables);
    }
  }
}

/** The plan as Spark prints a physical plan: one node per line, children indented under `+- `. */
export function explainPlan(node: PlanNode, describeSource: (provider: SourceProvider) => string): string[] {
  const lines: string[] = [];
  const visit = (n: PlanNode, prefix: string, childPrefix: string): void => {
    const label = n.kind === 'source' ? `StreamingDataSource ${describeSource(n.provider)}` : n.kind === 'step' ? n.step.name : 'Union';
    lines.push(`${prefix}${label}`);
    const children = n.kind === 'step' ? [n.input] : n.kind === 'union' ? n.inputs : [];
    children.forEach((child) => visit(child, `${childPrefix}+- `, `${childPrefix}   `));
  };
  visit(node, '', '');
  return lines;
}
