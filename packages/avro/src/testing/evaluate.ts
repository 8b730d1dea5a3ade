import { executePlan, select, standaloneOperatorContext, StreamFrame, tableFromRows, tableToRows, toSchema, type Column, type SourceProvider } from '@sluice/core';

/** Test-only: the rows of `columns` selected from `rows` of `ddl`, through core's own plan execution. */
export async function evaluate(ddl: string, rows: Record<string, unknown>[], ...columns: Column[]): Promise<Record<string, unknown>[]> {
  const schema = toSchema(ddl);
  const provider = { format: 'test', schema } as unknown as SourceProvider;
  const frame = StreamFrame.fromSource(provider).pipe(select(...columns));
  const table = await executePlan(frame.node, new Map([[provider, tableFromRows(schema, rows)]]), standaloneOperatorContext());
  return tableToRows(table);
}
