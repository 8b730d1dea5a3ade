import type { ExprNode, Span } from '../expressions/node.ts';
import { SqlParser } from './parser.ts';

/** `ORDER BY` item: Spark's defaults are ASC NULLS FIRST and DESC NULLS LAST. */
export interface SortItem {
  readonly expr: ExprNode;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** A relation in FROM: a view by name, a parenthesized query, or a join of two relations. */
export type FromClause =
  | { readonly kind: 'view'; readonly name: string; readonly alias?: string; readonly span: Span }
  | { readonly kind: 'subquery'; readonly query: Query; readonly alias?: string; readonly span: Span }
  | {
      readonly kind: 'join';
      readonly left: FromClause;
      readonly right: FromClause;
      /** Spark's join type name: inner, left_outer, right_outer, full_outer, left_semi, left_anti. */
      readonly type: string;
      readonly on?: ExprNode;
      readonly using?: readonly string[];
      readonly span: Span;
    };

/** One `SELECT … FROM … WHERE … GROUP BY … HAVING …` block. */
export interface SelectBlock {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly ExprNode[];
  readonly from: FromClause;
  readonly where?: ExprNode;
  readonly groupBy: readonly ExprNode[];
  readonly having?: ExprNode;
  readonly span: Span;
}

/** `a UNION ALL b` (and `UNION [DISTINCT]`, which also removes duplicate rows). */
export interface UnionBlock {
  readonly kind: 'union';
  readonly left: QueryBody;
  readonly right: QueryBody;
  readonly all: boolean;
  readonly span: Span;
}

export type QueryBody = SelectBlock | UnionBlock | { readonly kind: 'query'; readonly query: Query };

/** A whole query: its body, then the ORDER BY and LIMIT that apply to all of it. */
export interface Query {
  readonly body: QueryBody;
  readonly orderBy: readonly SortItem[];
  readonly orderBySpan?: Span;
  readonly limit?: number;
  readonly limitSpan?: Span;
  readonly span: Span;
}

const UNSUPPORTED_CLAUSES: Readonly<Record<string, string>> = {
  lateral: 'LATERAL VIEW is not supported; use explode() in the SELECT list',
  window: 'WINDOW clauses (OVER) are not supported on streams; group by window(ts, ...) instead',
  intersect: 'INTERSECT is not supported',
  except: 'EXCEPT is not supported',
  minus: 'MINUS is not supported',
  sort: 'SORT BY is not supported; use ORDER BY',
  cluster: 'CLUSTER BY is not supported',
  distribute: 'DISTRIBUTE BY is not supported',
  qualify: 'QUALIFY is not supported',
  offset: 'OFFSET is not supported',
};

/** Spark's SELECT statements, on top of the expression parser (same tokens, spans and errors). */
class QueryParser extends SqlParser {
  parseStatement(): Query {
    const query = this.query();
    this.expectEnd();
    return query;
  }

  private query(): Query {
    const start = this.peek().start;
    if (this.isWord('with')) this.fail('WITH (common table expressions) is not supported; register the inner query as a view with createOrReplaceTempView');
    const body = this.queryTerm();
    const orderBy: SortItem[] = [];
    let orderBySpan: Span | undefined;
    if (this.isWord('order')) {
      const orderStart = this.next().start;
      this.expectWord('by', 'after ORDER');
      do orderBy.push(this.sortItem());
      while (this.acceptOp(','));
      orderBySpan = this.span(orderStart);
    }
    let limit: number | undefined;
    let limitSpan: Span | undefined;
    if (this.isWord('limit')) {
      const limitStart = this.next().start;
      if (this.acceptWord('all')) limit = undefined;
      else {
        const t = this.next();
        if (t.kind !== 'number' || !/^\d+$/.test(t.value)) this.fail('expected a non-negative whole number after LIMIT', t);
        limit = Number(t.value);
      }
      limitSpan = this.span(limitStart);
    }
    this.checkUnsupported();
    return { body, orderBy, ...(orderBySpan ? { orderBySpan } : {}), ...(limit !== undefined ? { limit, limitSpan: limitSpan! } : {}), span: this.span(start) };
  }

  private queryTerm(): QueryBody {
    const start = this.peek().start;
    let left = this.queryPrimary();
    while (this.isWord('union')) {
      this.next();
      const all = this.acceptWord('all');
      if (!all) this.acceptWord('distinct');
      const right = this.queryPrimary();
      left = { kind: 'union', left, right, all, span: this.span(start) };
    }
    return left;
  }

  private queryPrimary(): QueryBody {
    if (this.isOp('(')) {
      this.next();
      const query = this.query();
      this.expectOp(')', 'to close the parenthesized query');
      return { kind: 'query', query };
    }
    return this.select();
  }

  private select(): SelectBlock {
    const start = this.peek().start;
    this.expectWord('select', 'to start a query');
    const distinct = this.acceptWord('distinct');
    if (!distinct) this.acceptWord('all');
    const items = [this.namedExpression()];
    while (this.acceptOp(',')) items.push(this.namedExpression());
    if (!this.isWord('from')) this.fail('expected FROM and a view name: Sluice queries read temp views and memory tables (SELECT … FROM name)');
    this.next();
    const from = this.relation();
    this.checkUnsupported();
    let where: ExprNode | undefined;
    if (this.acceptWord('where')) where = this.expression();
    const groupBy: ExprNode[] = [];
    if (this.isWord('group')) {
      this.next();
      this.expectWord('by', 'after GROUP');
      if (this.isWord('grouping') || this.isWord('rollup') || this.isWord('cube')) this.fail('GROUPING SETS, ROLLUP and CUBE are not supported on streaming DataFrames/Datasets (as in Spark)');
      do groupBy.push(this.expression());
      while (this.acceptOp(','));
    }
    let having: ExprNode | undefined;
    if (this.acceptWord('having')) having = this.expression();
    this.checkUnsupported();
    return { kind: 'select', distinct, items, from, ...(where ? { where } : {}), groupBy, ...(having ? { having } : {}), span: this.span(start) };
  }

  private relation(): FromClause {
    const start = this.peek().start;
    let from = this.relationPrimary();
    for (;;) {
      const type = this.joinType();
      if (type === undefined) break;
      const right = this.relationPrimary();
      let on: ExprNode | undefined;
      let using: string[] | undefined;
      if (this.acceptWord('on')) on = this.expression();
      else if (this.acceptWord('using')) {
        this.expectOp('(', 'after USING');
        using = [this.identifier('a column name')];
        while (this.acceptOp(',')) using.push(this.identifier('a column name'));
        this.expectOp(')', 'to close the USING list');
      } else this.fail('expected ON <condition> or USING (<columns>) after the joined relation');
      from = { kind: 'join', left: from, right, type, ...(on ? { on } : {}), ...(using ? { using } : {}), span: this.span(start) };
    }
    if (this.isOp(',')) this.fail('a comma join (FROM a, b) is not supported: write a JOIN with an ON condition');
    return from;
  }

  /** `[INNER] JOIN`, `LEFT [OUTER] JOIN`, `RIGHT [OUTER] JOIN`, `FULL [OUTER] JOIN`, `[LEFT] SEMI JOIN`, `[LEFT] ANTI JOIN`; undefined when no join follows. */
  private joinType(): string | undefined {
    if (this.isWord('natural')) this.fail('NATURAL JOIN is not supported: name the columns with USING (…)');
    if (this.isWord('cross')) this.fail('CROSS JOIN is not supported on streams: join with an ON condition');
    if (this.acceptWord('join')) return 'inner';
    if (this.acceptWord('inner')) return (this.expectWord('join', 'after INNER'), 'inner');
    if (this.isWord('left') || this.isWord('right') || this.isWord('full')) {
      const side = this.next().value.toLowerCase();
      if (side === 'left' && (this.isWord('semi') || this.isWord('anti'))) {
        const kind = this.next().value.toLowerCase();
        this.expectWord('join', `after LEFT ${kind.toUpperCase()}`);
        return `left_${kind}`;
      }
      this.acceptWord('outer');
      this.expectWord('join', `after ${side.toUpperCase()} [OUTER]`);
      return `${side}_outer`;
    }
    if (this.isWord('semi') || this.isWord('anti')) {
      const kind = this.next().value.toLowerCase();
      this.expectWord('join', `after ${kind.toUpperCase()}`);
      return `left_${kind}`;
    }
    return undefined;
  }

  private relationPrimary(): FromClause {
    const start = this.peek().start;
    let from: FromClause;
    if (this.isOp('(')) {
      this.next();
      const query = this.query();
      this.expectOp(')', 'to close the subquery');
      from = { kind: 'subquery', query, span: this.span(start) };
    } else {
      const name = this.identifier('a view name after FROM');
      if (this.isOp('.')) this.fail('views have one-part names (temp views and memory tables); drop the database prefix');
      from = { kind: 'view', name, span: this.span(start) };
    }
    const alias = this.relationAlias();
    return alias !== undefined ? { ...from, alias } : from;
  }

  private relationAlias(): string | undefined {
    if (this.acceptWord('as')) return this.identifier('an alias after AS');
    const t = this.peek();
    if (t.kind === 'quoted') return this.identifier('an alias');
    if (t.kind === 'ident' && !RESERVED_AFTER_RELATION.has(t.value.toLowerCase())) return this.identifier('an alias');
    return undefined;
  }

  private sortItem(): SortItem {
    const expr = this.expression();
    const descending = this.acceptWord('desc') ? true : (this.acceptWord('asc'), false);
    let nullsFirst = !descending;
    if (this.acceptWord('nulls')) {
      if (this.acceptWord('first')) nullsFirst = true;
      else if (this.acceptWord('last')) nullsFirst = false;
      else this.fail('expected FIRST or LAST after NULLS');
    }
    return { expr, descending, nullsFirst };
  }

  /** A clause Spark has and Sluice does not: a coded error under it, saying what to do instead. */
  private checkUnsupported(): void {
    const t = this.peek();
    if (t.kind !== 'ident') return;
    const reason = UNSUPPORTED_CLAUSES[t.value.toLowerCase()];
    if (reason) this.fail(reason);
  }
}

const RESERVED_AFTER_RELATION = new Set([
  'where', 'group', 'having', 'order', 'limit', 'union', 'except', 'intersect', 'minus', 'join', 'inner', 'left', 'right', 'full', 'cross', 'on',
  'natural', 'lateral', 'window', 'sort', 'cluster', 'distribute', 'qualify', 'offset', 'using', 'semi', 'anti', 'outer', 'tablesample',
]);

/**
 * Parse a Spark SQL query (`SELECT … FROM view …`). Syntax errors are SQL_PARSE_ERROR with the
 * position and a caret, raised here, before any view is looked up.
 */
export function parseQuery(text: string): Query {
  return new QueryParser(text).parseStatement();
}
