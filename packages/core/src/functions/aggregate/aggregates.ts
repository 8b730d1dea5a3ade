import { avg, count, max, min, sum, type Aggregate } from '../../operators/aggregates.ts';
import type { Column } from '../../operators/column.ts';
import type { AggregateFunctionDefinition } from '../registry.ts';

function aggregateDefinition(name: string, build: (args: readonly Column[]) => Aggregate, usage: string, description: string, aliases: readonly string[] = [], minArgs = 1): AggregateFunctionDefinition {
  return {
    kind: 'aggregate',
    name,
    aliases,
    family: 'aggregate',
    arity: [minArgs, 1],
    doc: { usage, description, examples: [] },
    aggregate: (args, { distinct, fail }) => {
      if (distinct) fail(`${name}(DISTINCT …) is not supported: streaming aggregations have no distinct aggregates (as in Spark); deduplicate first.`);
      return build(args);
    },
  };
}

/** The aggregates `groupBy(...).agg(...)` runs, by their SQL names (`count(*)`, `sum(x)` …). */
export const aggregateFunctions: readonly AggregateFunctionDefinition[] = [
  aggregateDefinition('count', (args) => (args[0] ? count(args[0]) : count()), 'count(*) | count(expr)', 'Rows in the group, or non-null values of `expr`.', [], 0),
  aggregateDefinition('sum', (args) => sum(args[0]!), 'sum(expr)', 'The sum of the non-null values (bigint for integers, double otherwise).'),
  aggregateDefinition('avg', (args) => avg(args[0]!), 'avg(expr)', 'The mean of the non-null values, as a double.', ['mean']),
  aggregateDefinition('min', (args) => min(args[0]!), 'min(expr)', 'The smallest non-null value.'),
  aggregateDefinition('max', (args) => max(args[0]!), 'max(expr)', 'The largest non-null value.'),
];
