import { Field, Schema, Struct, Table, Utf8, type DataType } from 'apache-arrow';
import type { JsonValueOptions } from '../../arrow/json/columnBuilders.ts';
import type { JsonSyntax } from '../../arrow/json/exactJson.ts';
import { checkJsonMapKeys, JSON_PARSE_OPTION_NAMES, jsonSyntaxOf, jsonValueOptionsOf, temporalWriters, type JsonParseOptions } from '../../arrow/json/jsonOptions.ts';
import { parseJsonRecords, type ParseMode } from '../../arrow/json/parseJsonRecords.ts';
import { tableToJsonLines } from '../../arrow/json/tableToJsonLines.ts';
import { sparkTypeName, toDataType } from '../../arrow/schema.ts';
import { utf8Vector } from '../../arrow/vectors.ts';
import { SluiceError } from '../../errors.ts';
import { constantExpression, materialize } from '../../expressions/bound.ts';
import { fromRowValues, rowValues } from '../../expressions/kernels/rows.ts';
import { isArrayType, isMapType, isStructType, STRING } from '../../expressions/types.ts';
import { recordBatchOf } from '../../operators/batches.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs, constantArg } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, GeneratorFunctionDefinition, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { jsonText, parseJsonDocument, prettyJsonText, type JsonNode } from './jsonValue.ts';

/** A map literal of options (`map('mode', 'FAILFAST')`) as strings. */
function optionsArg(call: CallContext, index: number): Record<string, string> {
  if (!call.args[index]) return {};
  const value = constantArg(call, index, 'the options');
  if (!(value instanceof Map)) return call.fail("options must be a map such as map('mode', 'FAILFAST')", index);
  // A null value is an option not given (Spark: map('mode', NULL) is the default mode).
  return Object.fromEntries([...value].filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [String(k), String(v)]));
}

/** Spark's option keys are case-insensitive: the value of `name` in `options`, whatever its case. */
function optionValue(options: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(options)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function schemaArg(call: CallContext, index: number): DataType {
  const value = constantArg(call, index, 'the schema');
  if (typeof value !== 'string') return call.fail('the schema must be a string such as \'a INT, b STRING\' or \'ARRAY<STRUCT<a: INT>>\'', index);
  try {
    // A bare field list is a struct; a single type (ARRAY<…>, MAP<…>, STRUCT<…>) is itself.
    return /^\s*(array|map|struct)\s*</i.test(value) ? toDataType(value) : new Struct(new Schema(toSchemaFields(value)).fields);
  } catch (error) {
    return call.fail((error as Error).message.replace(/^\[[A-Z_]+\] /, ''), index, 'INVALID_SCHEMA');
  }
}

function toSchemaFields(text: string): Field[] {
  return toDataType(`struct<${text}>`).children as Field[];
}

export const fromJsonFunction: ScalarFunctionDefinition = {
  name: 'from_json',
  family: 'json',
  arity: [2, 3],
  doc: {
    usage: "from_json(jsonStr, schema[, options])",
    description: "JSON text parsed with a schema ('a INT, b STRING', or ARRAY<…>/MAP<…>): a struct (an array or map); a malformed record gives a struct of nulls (mode PERMISSIVE) or fails the query (map('mode', 'FAILFAST')).",
    examples: [{ sql: 'from_json(\'{"a":1, "b":0.8}\', \'a INT, b DOUBLE\')', result: { a: 1, b: 0.8 } }, { sql: "from_json('[1, 2]', 'ARRAY<INT>')", result: [1, 2] }],
  },
  bind: (call) => {
    const text = argAs(call, 0, STRING());
    const type = schemaArg(call, 1);
    const options = optionsArg(call, 2);
    const mode = (optionValue(options, 'mode') ?? 'PERMISSIVE').toUpperCase() as ParseMode;
    if (mode !== 'PERMISSIVE' && mode !== 'FAILFAST') call.fail(`from_json supports mode PERMISSIVE or FAILFAST, not '${mode}'`, 2, 'INVALID_OPTION');
    const corruptName = optionValue(options, 'columnNameOfCorruptRecord');
    const parseOptions = Object.fromEntries(JSON_PARSE_OPTION_NAMES.flatMap((name) => {
      const v = optionValue(options, name);
      return v === undefined ? [] : [[name, v]];
    })) as JsonParseOptions;
    let syntax: JsonSyntax;
    let valueOptions: JsonValueOptions | undefined;
    try {
      checkJsonMapKeys(type, 'from_json');
      syntax = jsonSyntaxOf(parseOptions);
      valueOptions = jsonValueOptionsOf(parseOptions);
    } catch (error) {
      return call.fail((error as Error).message.replace(/^\[[A-Z_]+\] /, ''), 1, ((error as { code?: string }).code ?? 'INVALID_OPTION') as 'INVALID_OPTION');
    }
    const wrapped = !isStructType(type);
    // Arrays and maps are parsed as the field `v` of a one-field record.
    const schema = new Schema(wrapped ? [new Field('v', type, true)] : (type as Struct).children);
    const arrayOfStructs = isArrayType(type) && isStructType(type.children[0]!.type);
    return {
      name: call.outputName,
      type,
      evaluate: (batch, context) => {
        const texts = rowValues(text.constant ? materialize(text.type, text.constant.value, batch.numRows) : text.evaluate(batch, context)) as (string | null)[];
        const input = wrapped
          ? texts.map((t) => {
              if (t === null) return null;
              const trimmed = t.trim();
              // An object where an array of structs is expected is an array of one (Spark).
              return `{"v":${arrayOfStructs && trimmed.startsWith('{') ? `[${trimmed}]` : trimmed}}`;
            })
          : texts;
        const parsed = parseJsonRecords(input, schema, {
          mode,
          locate: (i) => `row ${i} of from_json(${text.name})`,
          syntax,
          ...(valueOptions ? { values: valueOptions } : {}),
          ...(corruptName !== undefined ? { columnNameOfCorruptRecord: corruptName } : {}),
        }).batches[0]!;
        const values = rowValues(fromRowValues(new Struct(schema.fields), rowsOf(parsed, schema)));
        const out = values.map((row, i) => (texts[i] === null ? null : wrapped ? (row as Record<string, unknown>)['v'] ?? null : row));
        return fromRowValues(type, out);
      },
    };
  },
};

function rowsOf(batch: import('apache-arrow').RecordBatch, schema: Schema): Record<string, unknown>[] {
  const columns = schema.fields.map((f, i) => ({ name: f.name, values: rowValues(batch.getChildAt(i)!) }));
  return Array.from({ length: batch.numRows }, (_, r) => Object.fromEntries(columns.map((c) => [c.name, c.values[r]])));
}

export const toJsonFunction: ScalarFunctionDefinition = {
  name: 'to_json',
  family: 'json',
  arity: [1, 2],
  doc: {
    usage: 'to_json(expr[, options])',
    description: 'A struct, array or map as JSON text (null fields left out, as Spark does).',
    examples: [{ sql: 'to_json(named_struct(\'a\', 1, \'b\', 2))', result: '{"a":1,"b":2}' }, { sql: "to_json(array(map('a', 1)))", result: '[{"a":1}]' }],
  },
  bind: (call) => {
    const arg = call.args[0]!;
    if (!isStructType(arg.type) && !isArrayType(arg.type) && !isMapType(arg.type)) call.fail(`to_json needs a struct, array or map, but ${arg.name} is ${sparkTypeName(arg.type)}`, 0);
    const struct = isStructType(arg.type);
    const schema = new Schema(struct ? (arg.type as Struct).children : [new Field('v', arg.type, true)]);
    const options = optionsArg(call, 1);
    const pretty = optionValue(options, 'pretty')?.toLowerCase() === 'true';
    const temporalOptions = { timestampFormat: optionValue(options, 'timestampFormat'), dateFormat: optionValue(options, 'dateFormat'), timeZone: optionValue(options, 'timeZone'), locale: optionValue(options, 'locale') };
    let temporal: ReturnType<typeof temporalWriters> | undefined;
    try {
      temporal = Object.values(temporalOptions).some((v) => v !== undefined) ? temporalWriters(temporalOptions) : undefined;
    } catch (error) {
      return call.fail((error as Error).message.replace(/^\[[A-Z_]+\] /, ''), 1, 'INVALID_OPTION');
    }
    return {
      name: call.outputName,
      type: new Utf8(),
      evaluate: (batch, context) => {
        const vector = arg.constant ? materialize(arg.type, arg.constant.value, batch.numRows) : arg.evaluate(batch, context);
        const data = vector.data[0]!;
        const columns = struct ? data.children.map((c) => ({ data: [c] }) as never) : [vector];
        const lines = tableToJsonLines(new Table([recordBatchOf(schema, columns, batch.numRows)]), undefined, temporal);
        const out = lines.map((line, i) => (vector.isValid(i) ? (struct ? line : line.slice(5, -1)) : null));
        return utf8Vector(pretty ? out.map((line) => (line === null ? null : prettyJsonText(line))) : out);
      },
    };
  },
};

/** Spark's schema inference for one JSON value: integers bigint, other numbers double, objects structs with fields sorted by name. */
function inferType(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `STRUCT<${[...node.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `\`${k}\``}: ${inferType(v)}`).join(', ')}>`;
    case 'array': {
      const types = [...new Set(node.items.map(inferType))];
      return `ARRAY<${types.length === 1 ? types[0] : types.length === 0 ? 'STRING' : widestOf(types)}>`;
    }
    case 'string':
      return 'STRING';
    case 'number':
      return /[.eE]/.test(node.raw) ? 'DOUBLE' : Number.isSafeInteger(Number(node.raw)) || /^-?\d{1,18}$/.test(node.raw) ? 'BIGINT' : 'DECIMAL(38,0)';
    default:
      return node.raw === 'null' ? 'STRING' : 'BOOLEAN';
  }
}

function widestOf(types: readonly string[]): string {
  if (types.every((t) => t === 'BIGINT' || t === 'DOUBLE')) return 'DOUBLE';
  return 'STRING';
}

export const schemaOfJsonFunction: ScalarFunctionDefinition = {
  name: 'schema_of_json',
  family: 'json',
  arity: [1, 2],
  doc: { usage: 'schema_of_json(json[, options])', description: 'The schema Spark infers for a constant JSON text, in DDL.', examples: [{ sql: "schema_of_json('[{\"col\":0}]')", result: 'ARRAY<STRUCT<col: BIGINT>>' }] },
  bind: (call) => {
    const json = constantArg(call, 0, 'the JSON text');
    const options = optionsArg(call, 1);
    const node = typeof json === 'string' ? parseJsonDocument(json, { allowUnquotedFieldNames: optionValue(options, 'allowUnquotedFieldNames')?.toLowerCase() === 'true' }) : null;
    if (!node) throw new SluiceError('INVALID_QUERY', `schema_of_json needs valid JSON text, got ${JSON.stringify(json)}.`);
    return constantExpression(call.outputName, new Utf8(), inferType(node));
  },
};

/** json_tuple's value of one field: strings bare, other JSON as text, null when missing. */
function tupleValue(node: JsonNode | null, key: string | null): string | null {
  if (!node || node.kind !== 'object' || key === null) return null;
  const entry = node.entries.find(([k]) => k === key);
  if (!entry) return null;
  const v = entry[1];
  if (v.kind === 'literal' && v.raw === 'null') return null;
  return v.kind === 'string' ? v.value : jsonText(v);
}

export const jsonTupleFunction: GeneratorFunctionDefinition = {
  kind: 'generator',
  name: 'json_tuple',
  family: 'json',
  arity: [2, Infinity],
  doc: { usage: 'json_tuple(json, key1, key2, ...)', description: 'One row with the text of each key of a JSON object as columns c0, c1, …; nulls for missing keys or text that is not a JSON object.', examples: [] },
  bind: (call) => {
    const json = argAs(call, 0, STRING());
    const keys = call.args.slice(1).map((_, i) => argAs(call, i + 1, STRING()));
    return {
      fields: keys.map((_, i) => ({ name: `c${i}`, type: new Utf8() })),
      generate: (batch, context) => {
        const n = batch.numRows;
        const texts = rowValues(json.constant ? materialize(json.type, json.constant.value, n) : json.evaluate(batch, context)) as (string | null)[];
        const keyValues = keys.map((k) => rowValues(k.constant ? materialize(k.type, k.constant.value, n) : k.evaluate(batch, context)) as (string | null)[]);
        const documents = texts.map((t) => (t === null ? null : parseJsonDocument(t)));
        const columns = keyValues.map((ks) => utf8Vector(documents.map((d, i) => tupleValue(d, ks[i] ?? null))));
        return { rowOf: Int32Array.from({ length: n }, (_, i) => i), columns };
      },
    };
  },
};

/**
 * Spark's `from_json(jsonStr, schema[, options])`: JSON text parsed with a schema ('a INT, b STRING', or ARRAY<…>/MAP<…>): a struct (an array or map); a malformed record gives a struct of nulls (mode PERMISSIVE) or fails the query (map('mode', 'FAILFAST')).
 *
 * @example
 * withColumn('parsed', fromJsonColumn(col('payload'), 'a INT, b STRING'))
 * // in SQL: from_json('{"a":1, "b":0.8}', 'a INT, b DOUBLE') → {a: 1, b: 0.8}
 */
export function fromJsonColumn(column: ColumnLike, schema: string, options?: Readonly<Record<string, string>>): Column {
  const args = [colArg(column), litArg(schema)];
  if (options) args.push(callColumn('map', ...Object.entries(options).flatMap(([k, v]) => [litArg(k), litArg(v)])).node);
  return callColumn('from_json', ...args);
}
/**
 * Spark's `to_json(expr[, options])`: A struct, array or map as JSON text (null fields left out, as Spark does).
 *
 * @example
 * withColumn('toJson', toJsonColumn(col('payload')))
 * // in SQL: to_json(named_struct('a', 1, 'b', 2)) → '{"a":1,"b":2}'
 */
export function toJsonColumn(column: ColumnLike): Column {
  return callColumn('to_json', colArg(column));
}
/**
 * Spark's `json_tuple(json, key1, key2, ...)`: One row with the text of each key of a JSON object as columns c0, c1, …; nulls for missing keys or text that is not a JSON object.
 *
 * @example
 * withColumn('fields', jsonTuple(col('payload'), 'a', 'b'))
 */
export function jsonTuple(column: ColumnLike, ...keys: readonly string[]): Column {
  return callColumn('json_tuple', colArg(column), ...keys.map(litArg));
}
/**
 * Spark's `schema_of_json(json[, options])`: The schema Spark infers for a constant JSON text, in DDL.
 *
 * @example
 * withColumn('schema', schemaOfJson('[{"col":0}]'))
 * // in SQL: schema_of_json('[{"col":0}]') → 'ARRAY<STRUCT<col: BIGINT>>'
 */
export function schemaOfJson(json: string): Column {
  return callColumn('schema_of_json', litArg(json));
}
