import type { PlanNode } from './plan.ts';

/**
 * The columns of a plan's output that carry event time, each with the delay of the watermark it
 * descends from (Spark keeps this as column metadata). A `withWatermark` step adds its column; a
 * step that declares `eventTimeColumns` (an aggregation's `window`, a session window) says what
 * its output carries; any other step keeps those of its input that it still outputs by name.
 * Stateful operators read it to find the time they evict and drop late rows by.
 *
 * @example
 * eventTimeColumns(frame.pipe(withWatermark('ts', '10 seconds')).node) // Map { 'ts' => 10000 }
 */
export function eventTimeColumns(node: PlanNode): ReadonlyMap<string, number> {
  switch (node.kind) {
    case 'source':
      return new Map();
    case 'union':
      // Spark's union takes its output attributes (and their metadata) from its first input.
      return node.inputs.length > 0 ? eventTimeColumns(node.inputs[0]!) : new Map();
    case 'join': {
      // Spark: a join's output keeps the event-time metadata of both sides' columns it outputs.
      if (node.step.eventTimeColumns) return node.step.eventTimeColumns;
      const names = new Set(node.schema.fields.map((f) => f.name));
      const out = new Map<string, number>();
      for (const input of node.inputs) for (const [name, delay] of eventTimeColumns(input)) if (names.has(name) && !out.has(name)) out.set(name, delay);
      return out;
    }
    case 'step': {
      const { step } = node;
      if (step.eventTimeColumns) return step.eventTimeColumns;
      const input = eventTimeColumns(node.input);
      const names = new Set(step.schema.fields.map((f) => f.name));
      const out = new Map([...input].filter(([name]) => names.has(name)));
      if (step.watermark) out.set(step.watermark.column, step.watermark.delayMs);
      return out;
    }
  }
}
