import type { DataType } from 'apache-arrow';

/** Where a node came from in an expression string: errors point a caret at it. */
export interface Span {
  readonly source: string;
  readonly start: number;
  readonly end: number;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '<=>';

/**
 * The expression tree behind a `Column`, and what an expression string parses to: one tree for
 * both, unresolved (names are not yet checked). `bindExpression` resolves it against a schema into
 * a typed, evaluable expression.
 */
export type ExprNode = (
  | { readonly op: 'col'; readonly name: string }
  /** A constant; `type` is set for typed literals (`DATE '…'`, `10L`, `NULL`, intervals). */
  | { readonly op: 'lit'; readonly value: unknown; readonly type?: DataType }
  | { readonly op: 'arith'; readonly fn: ArithmeticOp; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: 'cmp'; readonly fn: ComparisonOp; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: 'and' | 'or'; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: 'not'; readonly expr: ExprNode }
  | { readonly op: 'isNull'; readonly expr: ExprNode; readonly negate: boolean }
  | { readonly op: 'in'; readonly expr: ExprNode; readonly values: readonly ExprNode[] }
  | { readonly op: 'cast'; readonly expr: ExprNode; readonly type: DataType; readonly typeName: string; readonly try?: boolean }
  | { readonly op: 'alias'; readonly expr: ExprNode; readonly name: string }
  /** A function by name, resolved in the function registry (Spark's names, and the user's own). */
  | {
      readonly op: 'call';
      readonly name: string;
      readonly args: readonly ExprNode[];
      readonly distinct?: boolean;
      /** Written as an operator (`-a`, `a & b`, `a LIKE b`): how Spark names the result. */
      readonly operator?: string;
    }
  | { readonly op: 'case'; readonly operand?: ExprNode; readonly branches: readonly { readonly when: ExprNode; readonly then: ExprNode }[]; readonly otherwise?: ExprNode }
  /** `*` or `t.*` (in a select list, `count(*)`, `struct(*)`). */
  | { readonly op: 'star'; readonly qualifier?: string }
  /** `x -> x + 1`, `(acc, x) -> acc + x`: an argument of a higher-order function. */
  | { readonly op: 'lambda'; readonly params: readonly string[]; readonly body: ExprNode }
  /** `(expr).name`: a field of a struct-valued expression. */
  | { readonly op: 'field'; readonly expr: ExprNode; readonly name: string }
  /** `arr[i]` (0-based) or `m[key]`. */
  | { readonly op: 'item'; readonly expr: ExprNode; readonly key: ExprNode }
  | { readonly op: 'udf'; readonly name: string; readonly fn: (row: Record<string, unknown>) => unknown; readonly type: DataType }
  | { readonly op: 'toJson'; readonly columns: readonly string[] }
) & { readonly span?: Span };

/** Split a column reference into its parts: `a.b` is two, `` `a.b` `` one, `` `x``y` `` is x`y. */
export function nameParts(name: string): string[] {
  if (!name.includes('`')) return name.split('.');
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '`') {
      if (quoted && name[i + 1] === '`') {
        current += '`';
        i++;
      } else quoted = !quoted;
    } else if (ch === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** The reference text for parts, backticking a part that needs it. */
export function quoteParts(parts: readonly string[]): string {
  return parts.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : `\`${p.replace(/`/g, '``')}\``)).join('.');
}
