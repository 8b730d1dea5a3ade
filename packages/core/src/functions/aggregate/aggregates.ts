import { approxCountDistinct, avg, collectList, collectSet, count, countDistinct, first, last, max, maxBy, min, minBy, percentileApprox, sum, type Aggregate } from '../../operators/aggregates.ts';
import type { Column } from '../../operators/column.ts';
import type { AggregateFunctionDefinition } from '../registry.ts';

function aggregateDefinition(
  name: string, build: (args: readonly Column[], fail: (message: string) => never) => Aggregate, usage: string, description: string, aliases: readonly string[] = [], minArgs = 1, maxArgs = 1,
): AggregateFunctionDefinition {
  return {
    kind: 'aggregate',
    name,
    aliases,
    family: 'aggregate',
    arity: [minArgs, maxArgs],
    doc: { usage, description, examples: [] },
    aggregate: (args, { distinct, fail }) => {
      if (distinct) {
        fail(`${name}(DISTINCT …): Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead, or dropDuplicates(...) before aggregating.`);
      }
      return build(args, fail);
    },
  };
}

/** A constant argument (`0.05`, `true`, `array(0.5, 0.9)`) of an aggregate, as its value. */
function constantArg(arg: Column | undefined, what: string, fail: (message: string) => never): unknown {
  if (arg === undefined) return undefined;
  const node = arg.node;
  if (node.op === 'lit') return typeof node.value === 'bigint' ? Number(node.value) : node.value;
  if (node.op === 'call' && node.name.toLowerCase() === 'array') return node.args.map((a) => constantArg({ node: a } as Column, what, fail));
  if (node.op === 'cast') return constantArg({ node: node.expr } as Column, what, fail);
  return fail(`${what} must be a constant.`);
}

function numberArg(arg: Column | undefined, what: string, fail: (message: string) => never): number | undefined {
  const v = constantArg(arg, what, fail);
  if (v === undefined) return undefined;
  if (typeof v === 'object' && v !== null && 'toString' in v && !Array.isArray(v)) return Number(String(v));
  if (typeof v !== 'number') return fail(`${what} must be a number, got ${JSON.stringify(v)}.`);
  return v;
}

/** The aggregates `groupBy(...).agg(...)` runs, by their SQL names (`count(*)`, `sum(x)` …). */
export const aggregateFunctions: readonly AggregateFunctionDefinition[] = [
  aggregateDefinition('count', (args) => (args[0] ? count(args[0]) : count()), 'count(*) | count(expr)', 'Rows in the group, or non-null values of `expr`.', [], 0),
  aggregateDefinition('sum', (args) => sum(args[0]!), 'sum(expr)', 'The sum of the non-null values (bigint for integers, double otherwise).'),
  aggregateDefinition('avg', (args) => avg(args[0]!), 'avg(expr)', 'The mean of the non-null values, as a double.', ['mean']),
  aggregateDefinition('min', (args) => min(args[0]!), 'min(expr)', 'The smallest non-null value.'),
  aggregateDefinition('max', (args) => max(args[0]!), 'max(expr)', 'The largest non-null value.'),
  aggregateDefinition('min_by', (args) => minBy(args[0]!, args[1]!), 'min_by(x, y)', 'The value of `x` on the row with the smallest `y` (rows with a null `y` do not count).', [], 2, 2),
  aggregateDefinition('max_by', (args) => maxBy(args[0]!, args[1]!), 'max_by(x, y)', 'The value of `x` on the row with the largest `y` (rows with a null `y` do not count).', [], 2, 2),
  aggregateDefinition(
    'first', (args, fail) => first(args[0]!, constantArg(args[1], 'first\'s isIgnoreNull', fail) === true), 'first(expr[, isIgnoreNull])',
    'The first value of the group in arrival order (with isIgnoreNull, the first non-null one).', ['first_value'], 1, 2,
  ),
  aggregateDefinition(
    'last', (args, fail) => last(args[0]!, constantArg(args[1], 'last\'s isIgnoreNull', fail) === true), 'last(expr[, isIgnoreNull])',
    'The last value of the group in arrival order (with isIgnoreNull, the last non-null one).', ['last_value'], 1, 2,
  ),
  aggregateDefinition('collect_list', (args) => collectList(args[0]!), 'collect_list(expr)', 'The non-null values of the group as an array, in arrival order.', ['array_agg']),
  aggregateDefinition('collect_set', (args) => collectSet(args[0]!), 'collect_set(expr)', 'The distinct non-null values of the group as an array.'),
  aggregateDefinition(
    'approx_count_distinct', (args, fail) => approxCountDistinct(args[0]!, numberArg(args[1], 'approx_count_distinct\'s relativeSD', fail) ?? 0.05), 'approx_count_distinct(expr[, relativeSD])',
    'The estimated number of distinct values (HyperLogLog++, relative standard deviation 0.05 unless given).', [], 1, 2,
  ),
  aggregateDefinition(
    'percentile_approx',
    (args, fail) => {
      const percentage = constantArg(args[1], 'percentile_approx\'s percentage', fail);
      const list = Array.isArray(percentage) ? percentage.map(Number) : Number(percentage);
      return percentileApprox(args[0]!, list, numberArg(args[2], 'percentile_approx\'s accuracy', fail) ?? 10000);
    },
    'percentile_approx(col, percentage[, accuracy])',
    'The smallest value of the group with at least `percentage` of the values at or below it, within 1/accuracy (default 10000) relative rank error; an array of percentages gives an array.',
    ['approx_percentile'], 2, 3,
  ),
  aggregateDefinition('count_distinct', (args) => countDistinct(args[0]!), 'count_distinct(expr)', 'Refused on streams, as Spark refuses distinct aggregations: use approx_count_distinct.'),
];
