import { Utf8 } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { constantExpression } from '../../expressions/bound.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';

export const typeofFunction: ScalarFunctionDefinition = {
  name: 'typeof',
  family: 'misc',
  arity: [1, 1],
  doc: { usage: 'typeof(expr)', description: "Spark's name of the argument's type.", examples: [{ sql: 'typeof(1)', result: 'int' }, { sql: 'typeof(array(1))', result: 'array<int>' }, { sql: 'typeof(1.5)', result: 'decimal(2,1)' }] },
  bind: (call) => constantExpression(call.outputName, new Utf8(), sparkTypeName(call.args[0]!.type)),
};
