import { nameParts, type ExprNode } from '../../expressions/node.ts';

/** A join condition taken apart as Spark's planner does (`ExtractEquiJoinKeys` + `JoinConditionSplitPredicates`). */
export interface SplitCondition {
  /** Equality conjuncts `leftExpr = rightExpr`: the hash keys. */
  readonly leftKeys: readonly ExprNode[];
  readonly rightKeys: readonly ExprNode[];
  /** Per key: `<=>` (two nulls match) rather than `=`. */
  readonly nullSafe: readonly boolean[];
  /** Conjuncts over left columns only (Spark's pre-join filter of the left side). */
  readonly leftOnly: ExprNode | null;
  /** Conjuncts over right columns only. */
  readonly rightOnly: ExprNode | null;
  /** The other conjuncts (both sides, or none): checked on each candidate pair. */
  readonly both: ExprNode | null;
}

/** The conjuncts of `a AND b AND …`. */
export function conjuncts(node: ExprNode | null): ExprNode[] {
  if (node === null) return [];
  if (node.op === 'and') return [...conjuncts(node.left), ...conjuncts(node.right)];
  return [node];
}

function and(nodes: readonly ExprNode[]): ExprNode | null {
  return nodes.length === 0 ? null : nodes.reduce((a, b) => ({ op: 'and', left: a, right: b }));
}

/** Top-level column names an expression reads (lower case; the first part of `a.b`). */
export function referencedColumns(node: ExprNode, out = new Set<string>(), bound = new Set<string>()): Set<string> {
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const e = n as ExprNode;
    if (e.op === 'col') {
      const first = nameParts(e.name)[0]!.toLowerCase();
      if (!bound.has(first)) out.add(first);
      return;
    }
    if (e.op === 'lambda') {
      const inner = new Set([...bound, ...e.params.map((p) => p.toLowerCase())]);
      referencedColumns(e.body, out, inner);
      return;
    }
    if (e.op === 'toJson') {
      e.columns.forEach((c) => out.add(c.toLowerCase()));
      return;
    }
    for (const [key, value] of Object.entries(e)) if (key !== 'span' && key !== 'fn' && key !== 'type') visit(value);
  };
  visit(node);
  return out;
}

const subset = (a: Set<string>, b: ReadonlySet<string>) => [...a].every((x) => b.has(x));

/** Split `condition` into hash keys, one-side filters and the rest, given the (lower-case) column names of each side. */
export function splitCondition(condition: ExprNode | null, left: ReadonlySet<string>, right: ReadonlySet<string>): SplitCondition {
  const leftKeys: ExprNode[] = [];
  const rightKeys: ExprNode[] = [];
  const nullSafe: boolean[] = [];
  const leftOnly: ExprNode[] = [];
  const rightOnly: ExprNode[] = [];
  const both: ExprNode[] = [];
  for (const c of conjuncts(condition)) {
    const refs = referencedColumns(c);
    if (c.op === 'cmp' && (c.fn === '=' || c.fn === '<=>')) {
      const l = referencedColumns(c.left);
      const r = referencedColumns(c.right);
      if (l.size > 0 && r.size > 0 && subset(l, left) && subset(r, right)) {
        leftKeys.push(c.left); rightKeys.push(c.right); nullSafe.push(c.fn === '<=>');
        continue;
      }
      if (l.size > 0 && r.size > 0 && subset(l, right) && subset(r, left)) {
        leftKeys.push(c.right); rightKeys.push(c.left); nullSafe.push(c.fn === '<=>');
        continue;
      }
    }
    if (refs.size > 0 && subset(refs, left)) leftOnly.push(c);
    else if (refs.size > 0 && subset(refs, right)) rightOnly.push(c);
    else both.push(c);
  }
  return { leftKeys, rightKeys, nullSafe, leftOnly: and(leftOnly), rightOnly: and(rightOnly), both: and(both) };
}

/** One additive term of a canonicalised time comparison. */
type Term = { readonly kind: 'column'; readonly name: string; readonly negated: boolean } | { readonly kind: 'constant'; readonly ms: number };

/** `node` as a sum of columns and interval constants (ms), or null when it is not one. */
function terms(node: ExprNode, negate: boolean): Term[] | null {
  switch (node.op) {
    case 'arith': {
      if (node.fn !== '+' && node.fn !== '-') return null;
      const l = terms(node.left, negate);
      const r = terms(node.right, node.fn === '-' ? !negate : negate);
      return l && r ? [...l, ...r] : null;
    }
    case 'call':
      if (node.name.toLowerCase() === 'negative' && node.args.length === 1) return terms(node.args[0]!, !negate);
      return null;
    case 'cast':
      return terms(node.expr, negate);
    case 'alias':
      return terms(node.expr, negate);
    case 'col':
      return [{ kind: 'column', name: nameParts(node.name)[0]!.toLowerCase(), negated: negate }];
    case 'lit': {
      const v = node.value as { months?: number; days?: number; micros?: number | bigint } | null;
      if (v === null || typeof v !== 'object' || !('micros' in v)) return null;
      if (v.months) return null; // a month has no fixed length
      const ms = (v.days ?? 0) * 86_400_000 + Number(v.micros ?? 0) / 1000;
      return [{ kind: 'constant', ms: negate ? -ms : ms }];
    }
    default:
      return null;
  }
}

/**
 * Spark's state value watermark (`StreamingJoinHelper.getStateValueWatermark`): from the
 * conjuncts `a < b` (`<=`, `>`, `>=`) that bound one side's time column (`find`, the timestamp
 * columns of the side whose state is evicted) below by the other side's watermarked time column
 * (`watermarked`), the time below which a buffered row of the `find` side can no longer match any
 * row still to come. Rows whose time is at or below the result can go. The minimum over such
 * conjuncts; undefined when none bounds it.
 *
 * E.g. `leftTime BETWEEN rightTime - 5s AND rightTime + 5s` with watermark W gives W - 5 s - 1 ms
 * for the left side: a future right row has rightTime > W, so it matches only leftTime > W - 5 s.
 */
export function stateValueWatermark(condition: ExprNode | null, find: ReadonlySet<string>, watermarked: ReadonlySet<string>, others: ReadonlySet<string>, watermarkMs: number): number | undefined {
  let result: number | undefined;
  for (const c of conjuncts(condition)) {
    if (c.op !== 'cmp') continue;
    let lhs: ExprNode;
    let rhs: ExprNode;
    let inclusive: boolean;
    if (c.fn === '<' || c.fn === '<=') [lhs, rhs, inclusive] = [c.left, c.right, c.fn === '<='];
    else if (c.fn === '>' || c.fn === '>=') [lhs, rhs, inclusive] = [c.right, c.left, c.fn === '>='];
    else continue;
    // lhs - rhs < 0
    const l = terms(lhs, false);
    const r = terms(rhs, true);
    if (!l || !r) continue;
    const all = [...l, ...r];
    const columns = all.filter((t): t is Extract<Term, { kind: 'column' }> => t.kind === 'column');
    const mine = columns.filter((t) => find.has(t.name));
    const theirs = columns.filter((t) => others.has(t.name));
    if (mine.length !== 1 || theirs.length > 1 || columns.length !== mine.length + theirs.length) continue;
    // The canonical form must read `… - findTime < 0`, i.e. `… < findTime`: a lower bound.
    if (!mine[0]!.negated) continue;
    let sum = 0;
    let ok = true;
    for (const t of all) {
      if (t === mine[0]) continue;
      if (t.kind === 'constant') sum += t.ms;
      else if (watermarked.has(t.name)) sum += t.negated ? -watermarkMs : watermarkMs;
      else ok = false;
    }
    if (!ok || theirs.length === 0) continue;
    const value = Math.trunc(sum) - (inclusive ? 1 : 0);
    result = result === undefined ? value : Math.min(result, value);
  }
  return result;
}
