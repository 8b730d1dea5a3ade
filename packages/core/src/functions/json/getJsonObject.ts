import { Utf8 } from 'apache-arrow';
import { STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { jsonText, parseJsonDocument, type JsonNode } from './jsonValue.ts';

type Step = { readonly kind: 'key'; readonly name: string } | { readonly kind: 'index'; readonly index: number } | { readonly kind: 'wildcard' };

/** Spark's JSON path subset: `$`, `.name`, `['name']`, `[n]`, `[*]`; null for anything else (`..`, no `$`). */
export function parseJsonPath(path: string): Step[] | null {
  if (!path.startsWith('$')) return null;
  const steps: Step[] = [];
  let k = 1;
  while (k < path.length) {
    if (path[k] === '.') {
      let end = k + 1;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      const name = path.slice(k + 1, end);
      if (name === '') return null;
      steps.push({ kind: 'key', name });
      k = end;
    } else if (path[k] === '[') {
      const end = path.indexOf(']', k);
      if (end < 0) return null;
      const inside = path.slice(k + 1, end);
      if (inside === '*') steps.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inside)) steps.push({ kind: 'index', index: Number(inside) });
      else if (/^'.*'$/.test(inside)) steps.push({ kind: 'key', name: inside.slice(1, -1) });
      else return null;
      k = end + 1;
    } else return null;
  }
  return steps;
}

type Style = 'raw' | 'quoted' | 'flatten';

/**
 * Spark's `GetJsonObject.evaluatePath`: writes the matches into `out`; true when something was
 * written. Strings are unquoted only at the top (raw style); a wildcard's matches become an
 * array, except that a single match is written bare (Hive's rule); `[*][*]` flattens.
 */
function evaluate(node: JsonNode, steps: readonly Step[], style: Style, out: string[]): boolean {
  const [step, ...rest] = steps;
  if (!step) {
    // A JSON null at the top is SQL null.
    if (style === 'raw' && node.kind === 'literal' && node.raw === 'null') return false;
    if (style === 'raw' && node.kind === 'string') out.push(node.value);
    else if (style === 'flatten' && node.kind === 'array') {
      let any = false;
      for (const item of node.items) any = evaluate(item, [], 'flatten', out) || any;
      return any;
    } else out.push(jsonText(node));
    return true;
  }
  if (step.kind === 'key') {
    if (node.kind !== 'object') return false;
    const entry = node.entries.find(([k]) => k === step.name);
    return entry ? evaluate(entry[1], rest, style, out) : false;
  }
  if (node.kind !== 'array') return false;
  if (step.kind === 'index') {
    const item = node.items[step.index];
    if (!item) return false;
    // An index followed by a wildcard always writes an array (quoted style).
    return evaluate(item, rest, rest[0]?.kind === 'wildcard' ? 'quoted' : style, out);
  }
  if (rest[0]?.kind === 'wildcard') {
    const items: string[] = [];
    for (const item of node.items) evaluate(item, rest, 'flatten', items);
    out.push(`[${items.join(',')}]`);
    return true;
  }
  if (style !== 'quoted') {
    const items: string[] = [];
    let dirty = 0;
    for (const item of node.items) {
      const before = items.length;
      if (evaluate(item, rest, style === 'flatten' ? 'flatten' : 'quoted', items) && items.length >= before) dirty++;
    }
    if (dirty === 0) return false;
    // Flattening ([*][*]) splices the matches into the enclosing array.
    if (style === 'flatten') out.push(...items);
    else out.push(dirty > 1 ? `[${items.join(',')}]` : items.join(','));
    return true;
  }
  const items: string[] = [];
  let any = false;
  for (const item of node.items) any = evaluate(item, rest, style, items) || any;
  out.push(`[${items.join(',')}]`);
  return any;
}

/** get_json_object's answer for one document and path. */
export function jsonPathValue(json: string, path: string): string | null {
  const steps = parseJsonPath(path);
  if (!steps) return null;
  const document = parseJsonDocument(json);
  if (!document) return null;
  const out: string[] = [];
  if (!evaluate(document, steps, 'raw', out)) return null;
  return out.join(',');
}

export const getJsonObjectFunction: ScalarFunctionDefinition = {
  name: 'get_json_object',
  family: 'json',
  arity: [2, 2],
  doc: {
    usage: 'get_json_object(json, path)',
    description: 'The value at a JSON path (`$.a.b`, `$.a[0]`, `$.a[*].b`, `$[\'key\']`) as text: strings bare, anything else as JSON; null when absent or when the text is not JSON.',
    examples: [{ sql: 'get_json_object(\'{"a":"b"}\', \'$.a\')', result: 'b' }, { sql: 'get_json_object(\'{"a":[1,2]}\', \'$.a\')', result: '[1,2]' }],
  },
  bind: (call) => rowFunction(call.outputName, new Utf8(), [argAs(call, 0, STRING()), argAs(call, 1, STRING())], (json, path) => jsonPathValue(json as string, path as string)),
};

/**
 * Spark's `get_json_object(json, path)`: The value at a JSON path (`$.a.b`, `$.a[0]`, `$.a[*].b`, `$['key']`) as text: strings bare, anything else as JSON; null when absent or when the text is not JSON.
 *
 * @example
 * withColumn('getJsonObject', getJsonObject(col('payload'), '$.a'))
 * // in SQL: get_json_object('{"a":"b"}', '$.a') → 'b'
 */
export function getJsonObject(column: ColumnLike, path: string): Column {
  return callColumn('get_json_object', colArg(column), litArg(path));
}
