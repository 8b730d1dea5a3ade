import { Bool } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs, constantArg } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';

/**
 * A LIKE pattern as a test: `_` one character, `%` any run, `escape` (default `\`) before `_`,
 * `%` or itself makes it literal; before anything else it is an error, as in Spark. Plain
 * prefix/suffix/infix patterns skip the regex.
 */
export function likeMatcher(pattern: string, escape = '\\', ignoreCase = false): (text: string) => boolean {
  let regex = '';
  let literal = '';
  const tokens: ('%' | '_' | string)[] = [];
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]!;
    if (c === escape) {
      const next = pattern[k + 1];
      if (next === undefined) throw new SluiceError('INVALID_QUERY', `The LIKE pattern '${pattern}' ends with the escape character '${escape}'.`);
      if (next !== '_' && next !== '%' && next !== escape) throw new SluiceError('INVALID_QUERY', `In the LIKE pattern '${pattern}' the escape character '${escape}' precedes '${next}'; it may only precede '_', '%' or itself.`);
      literal += next;
      regex += escapeRegex(next);
      k++;
    } else if (c === '%' || c === '_') {
      if (literal) tokens.push(literal);
      literal = '';
      tokens.push(c === '%' ? '\u0000%' : '\u0000_');
      regex += c === '%' ? '[\\s\\S]*' : '[\\s\\S]';
    } else {
      literal += c;
      regex += escapeRegex(c);
    }
  }
  if (literal) tokens.push(literal);
  const fold = ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const lit = (t: string) => fold(t);
  const isAny = (t: string | undefined) => t === '\u0000%';
  const isText = (t: string | undefined) => t !== undefined && !t.startsWith('\u0000');
  if (tokens.length === 0) return (s) => s === '';
  if (tokens.length === 1 && isText(tokens[0])) return (s) => fold(s) === lit(tokens[0]!);
  if (tokens.length === 2 && isText(tokens[0]) && isAny(tokens[1])) return (s) => fold(s).startsWith(lit(tokens[0]!));
  if (tokens.length === 2 && isAny(tokens[0]) && isText(tokens[1])) return (s) => fold(s).endsWith(lit(tokens[1]!));
  if (tokens.length === 3 && isAny(tokens[0]) && isText(tokens[1]) && isAny(tokens[2])) return (s) => fold(s).includes(lit(tokens[1]!));
  const compiled = new RegExp(`^${regex}$`, ignoreCase ? 'i' : '');
  return (s) => compiled.test(s);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function likeFunction(name: string, ignoreCase: boolean): ScalarFunctionDefinition {
  return {
    name,
    family: 'regexp',
    arity: [2, 3],
    doc: {
      usage: `${name}(str, pattern[, escape]) | str ${name.toUpperCase()} pattern [ESCAPE 'c']`,
      description: `True when \`str\` matches the SQL pattern${ignoreCase ? ', ignoring case' : ''}: \`_\` is one character, \`%\` any run.`,
      examples: ignoreCase ? [{ sql: "ilike('Spark', '_PARK')", result: true }] : [{ sql: "'Spark' LIKE 'Sp%'", result: true }, { sql: "like('a_c', 'a\\\\_c')", result: true }],
    },
    bind: (call) => {
      const escape = call.args[2] ? String(constantArg(call, 2, 'the escape character')) : '\\';
      if (escape.length !== 1) call.fail(`the escape character must be one character, not '${escape}'`, 2, 'INVALID_QUERY');
      const str = argAs(call, 0, STRING());
      const pattern = argAs(call, 1, STRING());
      if (pattern.constant && pattern.constant.value !== null) {
        const test = likeMatcher(pattern.constant.value as string, escape, ignoreCase);
        return rowFunction(call.outputName, new Bool(), [str], (s) => test(s as string));
      }
      return rowFunction(call.outputName, new Bool(), [str, pattern], (s, p) => likeMatcher(p as string, escape, ignoreCase)(s as string));
    },
  };
}

export const likeFunctionDefinition = likeFunction('like', false);
export const ilikeFunction = likeFunction('ilike', true);

export function like(column: ColumnLike, pattern: string): Column {
  return callColumn('like', colArg(column), litArg(pattern));
}
