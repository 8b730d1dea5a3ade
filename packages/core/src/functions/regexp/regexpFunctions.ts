import { Bool, Field, Int32, List, Utf8 } from 'apache-arrow';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { Utf8Builder, Utf8Column } from '../../expressions/kernels/utf8.ts';
import { STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { groupCount, javaRegex, javaReplacement } from './javaRegex.ts';

/** A group index checked as Spark does: 0..groupCount, else an error naming both. */
function checkGroup(call: CallContext, regex: RegExp, index: number): void {
  const count = groupCount(regex);
  if (index < 0) call.fail(`the regex group index must not be negative (got ${index})`, 2, 'INVALID_QUERY');
  if (index > count) call.fail(`the regex group count is ${count}, but the specified group index is ${index}`, 2, 'INVALID_QUERY');
}

export const regexpExtractFunction: ScalarFunctionDefinition = {
  name: 'regexp_extract',
  family: 'regexp',
  arity: [2, 3],
  doc: {
    usage: 'regexp_extract(str, regexp[, idx])',
    description: 'Group `idx` (default 1; 0 is the whole match) of the first match of the Java regular expression in `str`; empty when nothing matches.',
    examples: [{ sql: "regexp_extract('100-200', '(\\\\d+)-(\\\\d+)', 1)", result: '100' }, { sql: "regexp_extract('foo', '(\\\\d+)', 1)", result: '' }],
  },
  bind: (call) => {
    const str = argAs(call, 0, STRING());
    const pattern = argAs(call, 1, STRING());
    const index = call.args[2] ? argAs(call, 2, new Int32()) : null;
    if (pattern.constant && pattern.constant.value !== null && (!index || index.constant)) {
      const regex = javaRegex(pattern.constant.value as string);
      const group = index ? (index.constant!.value as number | null) : 1;
      if (group !== null) checkGroup(call, regex, group);
      if (group === null) return rowFunction(call.outputName, new Utf8(), [str], () => null);
      // The columnar case: one pattern, one group.
      return {
        name: call.outputName,
        type: new Utf8(),
        evaluate: (batch, context) => {
          const data = str.evaluate(batch, context).data[0]!;
          const column = new Utf8Column(data);
          const validity = validityOf(data);
          const n = data.length;
          const builder = new Utf8Builder(n, n * 8);
          for (let i = 0; i < n; i++) {
            if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) {
              builder.appendNull();
              continue;
            }
            const m = regex.exec(column.get(i));
            builder.append(m ? (m[group] ?? '') : '');
          }
          return builder.finish();
        },
      };
    }
    const args = [str, pattern, ...(index ? [index] : [])];
    return rowFunction(call.outputName, new Utf8(), args, (s, p, idx) => {
      const regex = javaRegex(p as string);
      const group = args.length === 3 ? (idx as number) : 1;
      checkGroup(call, regex, group);
      const m = regex.exec(s as string);
      return m ? (m[group] ?? '') : '';
    });
  },
};

export const regexpExtractAllFunction: ScalarFunctionDefinition = {
  name: 'regexp_extract_all',
  family: 'regexp',
  arity: [2, 3],
  doc: {
    usage: 'regexp_extract_all(str, regexp[, idx])',
    description: 'Group `idx` (default 1) of every match of the regular expression in `str`, as an array.',
    examples: [{ sql: "regexp_extract_all('100-200, 300-400', '(\\\\d+)-(\\\\d+)', 1)", result: ['100', '300'] }],
  },
  bind: (call) => {
    const args = [argAs(call, 0, STRING()), argAs(call, 1, STRING()), ...(call.args[2] ? [argAs(call, 2, new Int32())] : [])];
    return rowFunction(call.outputName, new List(new Field('element', new Utf8(), true)), args, (s, p, idx) => {
      const regex = javaRegex(p as string, 'g');
      const group = args.length === 3 ? (idx as number) : 1;
      checkGroup(call, regex, group);
      return [...(s as string).matchAll(regex)].map((m) => m[group] ?? '');
    });
  },
};

export const regexpReplaceFunction: ScalarFunctionDefinition = {
  name: 'regexp_replace',
  family: 'regexp',
  arity: [3, 4],
  doc: {
    usage: 'regexp_replace(str, regexp, rep[, position])',
    description: 'Every match of the regular expression in `str` (from character `position`, default 1) replaced by `rep`, where `$1` … and `${name}` are groups.',
    examples: [{ sql: "regexp_replace('100-200', '(\\\\d+)', 'num')", result: 'num-num' }, { sql: "regexp_replace('a.b.c', '\\\\.', '$0$0')", result: 'a..b..c' }],
  },
  bind: (call) => {
    const args = [argAs(call, 0, STRING()), argAs(call, 1, STRING()), argAs(call, 2, STRING()), ...(call.args[3] ? [argAs(call, 3, new Int32())] : [])];
    if (args[3] && !args[3].constant) call.fail('the position must be a constant', 3, 'INVALID_QUERY');
    if (args[3]?.constant && (args[3].constant.value as number) < 1) call.fail(`position must be at least 1 (got ${String(args[3].constant.value)})`, 3, 'INVALID_QUERY');
    return rowFunction(call.outputName, new Utf8(), args, (s, p, r, pos) => {
      const regex = javaRegex(p as string, 'g');
      const replacer = javaReplacement(r as string, groupCount(regex));
      const text = s as string;
      const length = Array.from(text).length;
      const from = args.length === 4 ? (pos as number) - 1 : 0;
      // A position past the end replaces nothing (Spark).
      if (from > 0 && from >= length) return text;
      if (from <= 0) return text.replace(regex, replacer as never);
      const head = Array.from(text).slice(0, from).join('');
      return head + text.slice(head.length).replace(regex, replacer as never);
    });
  },
};

export const regexpLikeFunction: ScalarFunctionDefinition = {
  name: 'regexp_like',
  aliases: ['rlike', 'regexp'],
  family: 'regexp',
  arity: [2, 2],
  doc: {
    usage: 'regexp_like(str, regexp) | str RLIKE regexp',
    description: 'True when the Java regular expression matches somewhere in `str`.',
    examples: [{ sql: "regexp_like('Spark SQL', 'S.L')", result: true }, { sql: "'abc' RLIKE '^b'", result: false }],
  },
  bind: (call) => {
    const str = argAs(call, 0, STRING());
    const pattern = argAs(call, 1, STRING());
    return rowFunction(call.outputName, new Bool(), [str, pattern], (s, p) => javaRegex(p as string).test(s as string));
  },
};

export const regexpCountFunction: ScalarFunctionDefinition = {
  name: 'regexp_count',
  family: 'regexp',
  arity: [2, 2],
  doc: { usage: 'regexp_count(str, regexp)', description: 'How many times the regular expression matches in `str`.', examples: [{ sql: "regexp_count('Steven Jones and Stephen Smith', 'Ste(v|ph)en')", result: 2 }] },
  bind: (call) => rowFunction(call.outputName, new Int32(), [argAs(call, 0, STRING()), argAs(call, 1, STRING())], (s, p) => [...(s as string).matchAll(javaRegex(p as string, 'g'))].length),
};

export const regexpInstrFunction: ScalarFunctionDefinition = {
  name: 'regexp_instr',
  family: 'regexp',
  arity: [2, 3],
  doc: { usage: 'regexp_instr(str, regexp[, idx])', description: '1-based position where the first match (or its group `idx`) starts; 0 when nothing matches.', examples: [{ sql: "regexp_instr('1a 2b 14m', '\\\\d+(a|b|m)')", result: 1 }] },
  bind: (call) => {
    const args = [argAs(call, 0, STRING()), argAs(call, 1, STRING()), ...(call.args[2] ? [argAs(call, 2, new Int32())] : [])];
    return rowFunction(call.outputName, new Int32(), args, (s, p, idx) => {
      const regex = javaRegex(p as string, 'd');
      const group = args.length === 3 ? (idx as number) : 0;
      checkGroup(call, regex, group);
      const m = regex.exec(s as string) as (RegExpExecArray & { indices?: [number, number][] }) | null;
      const at = m?.indices?.[group]?.[0];
      return at === undefined ? 0 : Array.from((s as string).slice(0, at)).length + 1;
    });
  },
};

/**
 * Spark's `regexp_extract(str, regexp[, idx])`: Group `idx` (default 1; 0 is the whole match) of the first match of the Java regular expression in `str`; empty when nothing matches.
 *
 * @example
 * withColumn('regexpExtract', regexpExtract(col('text'), '(\\d+)-(\\d+)', 1))
 * // in SQL: regexp_extract('100-200', '(\\d+)-(\\d+)', 1) → '100'
 */
export function regexpExtract(column: ColumnLike, pattern: string, index: number): Column {
  return callColumn('regexp_extract', colArg(column), litArg(pattern), litArg(index));
}
/**
 * Spark's `regexp_extract_all(str, regexp[, idx])`: Group `idx` (default 1) of every match of the regular expression in `str`, as an array.
 *
 * @example
 * withColumn('regexpExtractAll', regexpExtractAll(col('text'), '(\\d+)-(\\d+)'))
 * // in SQL: regexp_extract_all('100-200, 300-400', '(\\d+)-(\\d+)', 1) → ['100', '300']
 */
export function regexpExtractAll(column: ColumnLike, pattern: string, index = 1): Column {
  return callColumn('regexp_extract_all', colArg(column), litArg(pattern), litArg(index));
}
/**
 * Spark's `regexp_replace(str, regexp, rep[, position])`: Every match of the regular expression in `str` (from character `position`, default 1) replaced by `rep`, where `$1` … and `${name}` are groups.
 *
 * @example
 * withColumn('regexpReplace', regexpReplace(col('text'), '(\\d+)', 'num'))
 * // in SQL: regexp_replace('100-200', '(\\d+)', 'num') → 'num-num'
 */
export function regexpReplace(column: ColumnLike, pattern: string | Column, replacement: string | Column): Column {
  return callColumn('regexp_replace', colArg(column), litArg(pattern), litArg(replacement));
}
/**
 * Spark's `regexp_like(str, regexp) | str RLIKE regexp`: True when the Java regular expression matches somewhere in `str`.
 *
 * @example
 * withColumn('regexpLike', regexpLike(col('text'), 'S.L'))
 * // in SQL: regexp_like('Spark SQL', 'S.L') → true
 */
export function regexpLike(column: ColumnLike, pattern: string | Column): Column {
  return callColumn('regexp_like', colArg(column), litArg(pattern));
}
/**
 * Spark's `regexp_count(str, regexp)`: How many times the regular expression matches in `str`.
 *
 * @example
 * withColumn('regexpCount', regexpCount(col('text'), 'Ste(v|ph)en'))
 * // in SQL: regexp_count('Steven Jones and Stephen Smith', 'Ste(v|ph)en') → 2
 */
export function regexpCount(column: ColumnLike, pattern: string | Column): Column {
  return callColumn('regexp_count', colArg(column), litArg(pattern));
}
