import { SluiceError, type ErrorCode } from '../errors.ts';
import type { Span } from './node.ts';

/**
 * A coded error about part of an expression string, Spark-style: the message, then the text with
 * a caret line under the fault, e.g.
 *
 *     [UNKNOWN_COLUMN] Column 'nmae' does not exist. Did you mean 'name'?
 *     == SQL (line 1, position 7) ==
 *     upper(nmae)
 *     ------^^^^
 */
export function expressionError(code: ErrorCode, message: string, span: Span | undefined, details: Readonly<Record<string, unknown>> = {}): SluiceError {
  if (!span) return new SluiceError(code, message, { details });
  const { line, column } = lineAndColumn(span.source, span.start);
  return new SluiceError(code, `${message}\n${caretBlock(span)}`, { details: { ...details, line, position: column, fragment: span.source.slice(span.start, span.end) } });
}

/** Line (1-based) and column (1-based) of an offset. */
export function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

/** The `== SQL ==` block: the line holding the span, and dashes then carets under it. */
export function caretBlock(span: Span): string {
  const { line, column } = lineAndColumn(span.source, span.start);
  const text = span.source.split('\n')[line - 1] ?? '';
  const width = Math.max(1, Math.min(span.end, span.start + text.length - column + 1) - span.start);
  return `== SQL (line ${line}, position ${column}) ==\n${text}\n${'-'.repeat(column - 1)}${'^'.repeat(width)}`;
}
