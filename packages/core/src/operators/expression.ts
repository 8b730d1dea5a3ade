/**
 * Binding expressions lives in `expressions/`; these names stay here for the operators (and
 * branches) that import them from this path.
 */
export { bindExpression, resolveColumn } from '../expressions/bind.ts';
export type { BoundExpression } from '../expressions/bound.ts';
