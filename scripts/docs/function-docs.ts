/**
 * TSDoc for the SQL function wrappers (`packages/core/src/functions/**`), written from the function
 * registry's own documentation: each wrapper calls a registered function by its SQL name
 * (`callColumn('array_contains', …)`), whose `doc` has Spark's usage, a description and examples
 * that run as tests (builtins.test.ts). A wrapper with no TSDoc gets
 *
 *   Spark's `usage`: description.
 *   @example
 *   withColumn('…', wrapper(col('…'), …))
 *   // in SQL: <registry example> → <its result>
 *
 * and one with TSDoc but no example gets the example. Run it after adding wrappers (`pnpm run docs`
 * fails on an undocumented one); it changes nothing that is documented already.
 *
 *   pnpm exec tsx scripts/docs/function-docs.ts           # write
 *   pnpm exec tsx scripts/docs/function-docs.ts --check   # list what it would write, exit 1 if any
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { BUILTIN_FUNCTIONS } from '../../packages/core/src/functions/builtins.ts';
import type { FunctionDefinition } from '../../packages/core/src/functions/registry.ts';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const functionsDir = join(root, 'packages', 'core', 'src', 'functions');
const check = process.argv.includes('--check');

const byName = new Map<string, FunctionDefinition>();
for (const definition of BUILTIN_FUNCTIONS) for (const name of [definition.name, ...(definition.aliases ?? [])]) byName.set(name, definition);

/** Examples the generic rule cannot write (lambdas, a record of fields, CASE WHEN …), by wrapper. */
const EXAMPLES: Record<string, string> = {
  when: "withColumn('size', when(col('n').gt(100), 'large').otherwise('small'))",
  ifThen: "withColumn('size', ifThen(col('n').gt(100), 'large', 'small'))",
  namedStruct: "withColumn('point', namedStruct({ x: col('x'), y: col('y') }))",
  createMap: "withColumn('attributes', createMap(lit('color'), col('color'), lit('size'), col('size')))",
  struct: "withColumn('point', struct(col('x'), col('y')))",
  array: "withColumn('values', array(col('a'), col('b'), col('c')))",
  arrayTransform: "withColumn('doubled', arrayTransform(col('values'), (x) => x.multiply(2)))",
  arrayFilter: "withColumn('positive', arrayFilter(col('values'), (x) => x.gt(0)))",
  exists: "withColumn('anyNegative', exists(col('values'), (x) => x.lt(0)))",
  forall: "withColumn('allPositive', forall(col('values'), (x) => x.gt(0)))",
  arrayAggregate: "withColumn('total', arrayAggregate(col('values'), 0, (acc, x) => acc.plus(x)))",
  zipWith: "withColumn('sums', zipWith(col('left'), col('right'), (x, y) => x.plus(y)))",
  arraySort: "withColumn('sorted', arraySort(col('values')))",
  greatest: "withColumn('highest', greatest(col('a'), col('b'), col('c')))",
  least: "withColumn('lowest', least(col('a'), col('b'), col('c')))",
  concatWs: "withColumn('fullName', concatWs(' ', col('first'), col('last')))",
  formatString: "withColumn('label', formatString('%s: %d', col('name'), col('count')))",
  jsonTuple: "withColumn('fields', jsonTuple(col('payload'), 'a', 'b'))",
  schemaOfJson: "withColumn('schema', schemaOfJson('[{\"col\":0}]'))",
  fromJsonColumn: "withColumn('parsed', fromJsonColumn(col('payload'), 'a INT, b STRING'))",
  hash: "withColumn('bucket', hash(col('id')))",
  xxhash64: "withColumn('bucket', xxhash64(col('id')))",
  pow: "withColumn('squared', pow(col('x'), 2))",
  log: "withColumn('ln', log(col('x')))",
  pmod: "withColumn('bucket', pmod(col('id'), 16))",
  rand: "withColumn('sample', rand(42))",
  randn: "withColumn('noise', randn(42))",
  uuid: "withColumn('id', uuid())",
  monotonicallyIncreasingId: "withColumn('rowId', monotonicallyIncreasingId())",
  currentDate: "withColumn('today', currentDate())",
  unixTimestamp: "withColumn('epochSeconds', unixTimestamp(col('ts')))",
  dateTrunc: "withColumn('hour', dateTrunc('HOUR', col('ts')))",
  datediff: "withColumn('days', datediff(col('end'), col('start')))",
  monthsBetween: "withColumn('months', monthsBetween(col('end'), col('start')))",
  mapFromArrays: "withColumn('lookup', mapFromArrays(col('keys'), col('values')))",
  nvl2: "withColumn('state', nvl2(col('shippedAt'), 'shipped', 'pending'))",
  nvl: "withColumn('country', nvl(col('country'), 'unknown'))",
  like: "withColumn('isSpark', like(col('text'), 'Sp%'))",
  formatNumber: "withColumn('amount', formatNumber(col('amount'), 2))",
};

/** The column a generated example reads, by function family. */
const COLUMN_BY_FAMILY: Record<string, string> = {
  datetime: 'ts', string: 'text', regexp: 'text', math: 'x', collection: 'values', json: 'payload', hash: 'id',
  conditional: 'value', generator: 'values', misc: 'value',
};

interface Change { readonly file: string; readonly name: string; readonly at: number; readonly remove: number; readonly text: string }

const changes: Change[] = [];
for (const file of walk(functionsDir)) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  for (const statement of source.statements) {
    if (!ts.isFunctionDeclaration(statement) || !statement.name || !statement.body) continue;
    if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const sqlName = calledFunction(statement.body);
    if (!sqlName) continue;
    const definition = byName.get(sqlName);
    if (!definition) throw new Error(`${statement.name.text} calls '${sqlName}', which is not in the function table`);
    const docs = ts.getJSDocCommentsAndTags(statement).filter(ts.isJSDoc);
    const existing = docs.at(-1);
    const existingText = existing ? text.slice(existing.getStart(), existing.getEnd()) : '';
    if (existingText.includes('@example')) continue;
    const wrapper = statement.name.text;
    const example = exampleOf(wrapper, statement, definition);
    const summary = existing ? summaryOf(existingText) : `Spark's \`${definition.doc.usage}\`: ${sentence(definition.doc.description)}`;
    const lines = ['/**', ...summary.split('\n').map((l) => ` *${l ? ` ${l}` : ''}`), ' *', ' * @example', ...example.map((l) => ` * ${l}`), ' */'];
    const at = existing ? existing.getStart() : statement.getStart();
    changes.push({ file, name: wrapper, at, remove: existing ? existing.getEnd() - existing.getStart() : 0, text: lines.join('\n') + (existing ? '' : '\n') });
  }
}

if (check) {
  for (const change of changes) console.log(`${change.file.slice(root.length + 1)}: ${change.name}`);
  process.exit(changes.length ? 1 : 0);
}
const byFile = new Map<string, Change[]>();
for (const change of changes) byFile.set(change.file, [...(byFile.get(change.file) ?? []), change]);
for (const [file, fileChanges] of byFile) {
  let text = readFileSync(file, 'utf8');
  for (const change of [...fileChanges].sort((a, b) => b.at - a.at)) text = text.slice(0, change.at) + change.text + text.slice(change.at + change.remove);
  writeFileSync(file, text);
}
console.log(`function-docs: ${changes.length} wrappers documented in ${byFile.size} files`);

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

/** The SQL name of the last `callColumn('name', …)` in a wrapper's body (earlier ones build its arguments). */
function calledFunction(body: ts.Block): string | undefined {
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'callColumn') {
      const first = node.arguments[0];
      if (first && ts.isStringLiteral(first)) found = first.text;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

function summaryOf(jsdoc: string): string {
  return jsdoc.replace(/^\/\*\*\s?/, '').replace(/\s*\*\/$/, '').split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim();
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** `withColumn('<sql name>', wrapper(col('…'), literal …))` and the registry's first example with its result. */
function exampleOf(wrapper: string, fn: ts.FunctionDeclaration, definition: FunctionDefinition): string[] {
  const sample = definition.doc.examples[0];
  const sqlArgs = sample ? topLevelArgs(sample.sql) : [];
  let call = EXAMPLES[wrapper];
  if (!call) {
    const columnName = COLUMN_BY_FAMILY[definition.family] ?? 'value';
    const columnParams = fn.parameters.filter((p) => isColumnParam(p));
    const args: string[] = [];
    fn.parameters.forEach((param, i) => {
      const name = (param.name as ts.Identifier).text;
      if (param.questionToken || param.initializer) return; // optional: the example leaves it out
      if (isColumnParam(param)) args.push(`col('${columnParams.length > 1 ? name : columnName}')`);
      else args.push(jsLiteral(sqlArgs[i]) ?? defaultFor(param));
    });
    call = `withColumn('${camel(definition.name)}', ${wrapper}(${args.join(', ')}))`;
  }
  return sample ? [call, `// in SQL: ${sample.sql} → ${show(sample.result)}`] : [call];
}

function isColumnParam(param: ts.ParameterDeclaration): boolean {
  return /\bColumnLike\b/.test(param.type?.getText() ?? '') && !param.dotDotDotToken;
}

function defaultFor(param: ts.ParameterDeclaration): string {
  const type = param.type?.getText() ?? '';
  if (/\bnumber\b/.test(type)) return '1';
  if (/\bboolean\b/.test(type)) return 'true';
  return `'${(param.name as ts.Identifier).text}'`;
}

/** A SQL literal argument as the JS value a wrapper takes (numbers, strings, booleans, NULL). */
function jsLiteral(sql: string | undefined): string | undefined {
  if (sql === undefined) return undefined;
  const s = sql.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return s;
  if (/^'([^'\\]|\\.)*'$/.test(s)) return s;
  if (/^(true|false)$/i.test(s)) return s.toLowerCase();
  return undefined;
}

/** The arguments of `name(a, b(c, d), 'e,f')` at depth one. */
function topLevelArgs(sql: string): string[] {
  const cast = /^cast\((.*) as \w+\)$/i.exec(sql.trim()); // `cast(f(…) as string)`: f's arguments
  if (cast) return topLevelArgs(cast[1]!);
  const open = sql.indexOf('(');
  if (open < 0 || !sql.trimEnd().endsWith(')')) return [];
  const inner = sql.slice(open + 1, sql.trimEnd().length - 1);
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      args.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (inner.trim()) args.push(inner.slice(start).trim());
  return args;
}

function camel(sqlName: string): string {
  return sqlName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A result as Spark's SQL shell would show it. */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex').toUpperCase()}'`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${show(k)} -> ${show(v)}`).join(', ')}}`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`).join(', ')}}`;
  return String(value);
}
