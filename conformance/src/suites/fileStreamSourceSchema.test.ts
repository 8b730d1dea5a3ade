/**
 * FileStreamSourceSuite's schema scenarios: what schema a file stream gets from its format, a user
 * schema, or inference from the files present when it is defined (Spark's
 * `spark.sql.streaming.schemaInference`, Sluice's `inferSchema` option), read through the real
 * file source over real files.
 */
import { expect } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { conf, isSluiceError, readStream, tableFromRows, toSchema, type StreamFrame } from '@sluice/core';
import { writeParquet } from '@sluice/formats';
import '@sluice/sources';
import { tempDirs } from '../harness/fileData.ts';
import { suite } from '../harness/scenario.ts';

const spark = suite('FileStreamSourceSuite');

/**
 * Spark's createFileStreamSourceAndGetSchema: the stream's schema as `name TYPE` pairs. JSON and
 * CSV streams also carry `_corrupt_record` in PERMISSIVE mode (the README's deviation row "JsonSuite ::
 * Corrupt records: PERMISSIVE mode, without designated column"); the user's columns are Spark's.
 */
function schemaOf(frame: StreamFrame): string[] {
  return frame.schema.fields.filter((f) => f.name !== '_corrupt_record').map((f) => `${f.name} ${String(f.type)}`);
}

function errorOf(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** A parquet file of one string column, as Spark's `Seq("a","b","c").toDS().write.parquet`. */
async function writeParquetStrings(dir: string, name: string, column: string, values: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const table = tableFromRows(toSchema(`${column} STRING`), values.map((v) => ({ [column]: v })));
  await writeFile(join(dir, name), writeParquet(table));
}

spark.scenario('FileStreamSource schema: no path', async () => {
  // No format either: Spark's default source format (parquet); the error is about the path, with or without inference.
  for (const inferSchema of [false, true]) {
    const error = errorOf(() => readStream().option('inferSchema', inferSchema).load());
    expect(String(error)).toMatch(/path/);
  }
});

spark.scenario("FileStreamSource schema: path doesn't exist (without schema) should throw exception", async () => {
  const { root } = await tempDirs();
  const error = errorOf(() => readStream().load(join(root, '1')).schema);
  expect(isSluiceError(error), String(error)).toBe(true);
});

spark.scenario("FileStreamSource schema: path doesn't exist (with schema) should throw exception", async () => {
  const { root } = await tempDirs();
  const error = errorOf(() => readStream().schema('value INT').load(join(root, '1')).schema);
  expect(isSluiceError(error, 'PATH_NOT_FOUND'), String(error)).toBe(true);
});

spark.scenario('FileStreamSource schema: text, no existing files, no schema', async () => {
  const { src } = await tempDirs();
  expect(schemaOf(readStream().format('text').load(src))).toEqual(['value Utf8']);
});

spark.scenario('FileStreamSource schema: text, existing files, no schema', async () => {
  const { src } = await tempDirs();
  await writeFile(join(src, '1'), 'a\nb\nc');
  expect(schemaOf(readStream().format('text').load(src))).toEqual(['value Utf8']);
});

spark.scenario('FileStreamSource schema: text, existing files, schema', async () => {
  const { src } = await tempDirs();
  await writeFile(join(src, '1'), 'a\nb\nc');
  expect(schemaOf(readStream().format('text').schema('userColumn STRING').load(src))).toEqual(['userColumn Utf8']);
});

spark.scenario('FileStreamSource schema: parquet, existing files, no schema', async () => {
  const { src } = await tempDirs();
  await writeParquetStrings(src, 'part-00000.parquet', 'value', ['a', 'b', 'c']);
  // Without schema inference: refused, asking for a schema.
  const error = errorOf(() => readStream().format('parquet').load(src));
  expect(isSluiceError(error, 'MISSING_OPTION'), String(error)).toBe(true);
  // With it (the option, or Spark's session setting): the files' schema.
  expect(schemaOf(readStream().format('parquet').option('inferSchema', true).load(src))).toEqual(['value Utf8']);
  conf.set('spark.sql.streaming.schemaInference', true);
  try {
    expect(schemaOf(readStream().format('parquet').load(src))).toEqual(['value Utf8']);
  } finally {
    conf.unset('spark.sql.streaming.schemaInference');
  }
});

spark.scenario('FileStreamSource schema: parquet, existing files, schema', async () => {
  const { src } = await tempDirs();
  await writeParquetStrings(join(src, '1'), 'part-00000.parquet', 'oldUserColumn', ['a', 'b', 'c']);
  expect(schemaOf(readStream().format('parquet').schema('userColumn STRING').load(src))).toEqual(['userColumn Utf8']);
});

spark.scenario('FileStreamSource schema: json, no existing files, no schema', async () => {
  const { src } = await tempDirs();
  const error = errorOf(() => readStream().format('json').option('inferSchema', true).load(src));
  expect(isSluiceError(error, 'INVALID_SCHEMA'), String(error)).toBe(true);
  expect(String(error)).toContain('Unable to infer schema for JSON');
});

spark.scenario('FileStreamSource schema: json, existing files, no schema', async () => {
  const { src } = await tempDirs();
  const error = errorOf(() => readStream().format('json').load(src));
  expect(isSluiceError(error, 'MISSING_OPTION'), String(error)).toBe(true);
  await writeFile(join(src, '1'), "{'c': '1'}\n{'c': '2'}\n{'c': '3'}");
  expect(schemaOf(readStream().format('json').option('inferSchema', true).load(src))).toEqual(['c Utf8']);
});

spark.scenario('FileStreamSource schema: json, existing files, schema', async () => {
  const { src } = await tempDirs();
  await writeFile(join(src, '1'), "{'c': '1'}\n{'c': '2'}\n{'c', '3'}");
  expect(schemaOf(readStream().format('json').schema('userColumn STRING').load(src))).toEqual(['userColumn Utf8']);
});

spark.scenario('SPARK-28651: force streaming file source to be nullable', async () => {
  const { src } = await tempDirs();
  const frame = readStream().schema('foo BIGINT NOT NULL').format('json').load(src);
  expect(frame.schema.fields.filter((f) => f.name === 'foo').map((f) => f.nullable)).toEqual([true]);
});

spark.scenario('SPARK-35320: Reading JSON with key type different to String in a map should fail', async () => {
  const { src } = await tempDirs();
  for (const type of ['MAP<INT, STRING>', 'STRUCT<test: MAP<INT, STRING>>', 'ARRAY<MAP<INT, STRING>>', 'MAP<STRING, MAP<INT, STRING>>']) {
    const error = errorOf(() => readStream().schema(`col ${type}`).format('json').load(src).schema);
    expect(String(error), type).toContain('can only contain STRING as a key type for a MAP');
  }
});

spark.scenario('SPARK-20431: Specify a schema by using a DDL-formatted string', async () => {
  const { src } = await tempDirs();
  expect(schemaOf(readStream().format('json').schema('aa INT').load(src))).toEqual(['aa Int32']);
});
