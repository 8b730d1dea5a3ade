import type { DataType, Schema } from 'apache-arrow';
import { sessionTimeZone } from '../session/conf.ts';

/** A lambda parameter in scope: the column of the element batch that carries it. */
export interface LambdaVariable {
  readonly index: number;
  readonly type: DataType;
}

/** What names mean while an expression is bound: the input schema, lambda parameters, table aliases, the session time zone. */
export interface BindScope {
  readonly schema: Schema;
  /** Session time zone when the query was defined (Spark resolves it at analysis). */
  readonly timeZone: string;
  /** Lambda parameters by lower-case name; they shadow columns. */
  readonly lambdas: ReadonlyMap<string, LambdaVariable>;
  /** Names that may prefix a column (`t.a` when the table is `t`). */
  readonly qualifiers: readonly string[];
}

export function rootScope(schema: Schema, options: { readonly qualifiers?: readonly string[]; readonly timeZone?: string } = {}): BindScope {
  return { schema, timeZone: options.timeZone ?? sessionTimeZone(), lambdas: new Map(), qualifiers: options.qualifiers ?? [] };
}
