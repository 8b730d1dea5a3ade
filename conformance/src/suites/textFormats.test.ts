import { expect } from 'vitest';
import { tableToRows, toSchema } from '@sluice/core';
import { readCsv, readJson, writeCsv, writeJson } from '@sluice/formats';
import { suite } from '../harness/scenario.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/execution/datasources/csv/CSVSuite.scala
// and .../json/JsonSuite.scala: Spark's batch reads and writes of its test files are Sluice's CSV and
// JSON codecs (what the file source and sink run per file) over the same text. Spark's tests run in
// America/Los_Angeles: where the session zone matters, it is given as the `timeZone` option.
const csv = suite('CSVSuite');
const json = suite('JsonSuite');

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const SESSION_ZONE = 'America/Los_Angeles';
/** A DATE value (epoch ms or Date) as yyyy-MM-dd. */
const day = (v: unknown) => (v === null ? null : new Date(v instanceof Date ? v.getTime() : Number(v)).toISOString().slice(0, 10));

/** Spark's test resource test-data/cars.csv. */
const CARS = 'year,make,model,comment,blank\n"2012","Tesla","S","No comment",\n\n1997,Ford,E350,"Go get one now they are going fast",\n2015,Chevy,Volt\n';
const CARS_SCHEMA = toSchema('year STRING, make STRING, model STRING, comment STRING, blank STRING');
/** Spark's test resource test-data/dates.csv. */
const DATES = 'date\n26/08/2015 18:00\n27/10/2014 18:30\n28/01/2016 20:00\n';

csv.scenario('when mode is null, will fall back to PermissiveMode mode', () => {
  const cars = readCsv(enc(CARS), { schema: CARS_SCHEMA, options: { header: true, mode: null as never } });
  expect(cars.numRows).toBe(3);
  // The last record has 3 of 5 values: PERMISSIVE keeps them (the missing ones null).
  expect(tableToRows(cars).map((r) => r['make'])).toEqual(['Tesla', 'Ford', 'Chevy']);
});

csv.scenario('test for DROPMALFORMED parsing mode', () => {
  // Spark runs it with column pruning off, so the short record is malformed and dropped.
  const cars = readCsv(enc(CARS), { schema: CARS_SCHEMA, options: { header: true, mode: 'DROPMALFORMED' } });
  expect(tableToRows(cars).map((r) => r['year'])).toEqual(['2012', '1997']);
});

csv.scenario('Write timestamps correctly with timestampFormat option and timeZone option', () => {
  const timestamps = readCsv(enc(DATES), { schema: toSchema('date TIMESTAMP'), options: { header: true, timestampFormat: 'dd/MM/yyyy HH:mm', timeZone: SESSION_ZONE } });
  const written = writeCsv(timestamps, { header: true, timestampFormat: 'yyyy/MM/dd HH:mm', timeZone: 'UTC' });
  const strings = readCsv(written, { schema: toSchema('date STRING'), options: { header: true } });
  expect(tableToRows(strings).map((r) => r['date'])).toEqual(['2015/08/27 01:00', '2014/10/28 01:30', '2016/01/29 04:00']);
  // Without timeZone the session zone (UTC in Sluice) is used.
  expect(dec(writeCsv(timestamps, { timestampFormat: 'yyyy/MM/dd HH:mm' })).trim().split('\n')).toEqual(['2015/08/27 01:00', '2014/10/28 01:30', '2016/01/29 04:00']);
});

csv.scenario('load date types via custom date format', () => {
  const dates = readCsv(enc(DATES), { schema: toSchema('date DATE'), options: { header: true, dateFormat: 'dd/MM/yyyy HH:mm' } });
  expect(tableToRows(dates).map((r) => day(r['date']))).toEqual(['2015-08-26', '2014-10-27', '2016-01-28']);
});

csv.scenario('SPARK-18699 put malformed records in a `columnNameOfCorruptRecord` field', () => {
  // Spark's value-malformed.csv: "0,2013-111_11 12:13:14" and "1,1983-08-04" read as (a INT, b DATE, _unparsed STRING).
  const schema = toSchema('a INT, b DATE, _unparsed STRING');
  const rows = tableToRows(readCsv(enc('0,2013-111_11 12:13:14\n1,1983-08-04\n'), { schema, options: { columnNameOfCorruptRecord: '_unparsed' } }));
  expect(rows.map((r) => [r['a'], day(r['b']), r['_unparsed']])).toEqual([
    [0, null, '0,2013-111_11 12:13:14'],
    [1, '1983-08-04', null],
  ]);
});

/** JsonSuite's datesRecords. */
const DATES_RECORDS = ['{"date": "26/08/2015 18:00"}', '{"date": "27/10/2014 18:30"}', '{"date": "28/01/2016 20:00"}'].join('\n');

json.scenario('Write timestamps correctly with timestampFormat option and timeZone option', () => {
  const timestamps = readJson(enc(DATES_RECORDS), { schema: toSchema('date TIMESTAMP'), options: { timestampFormat: 'dd/MM/yyyy HH:mm', timeZone: SESSION_ZONE } });
  const written = writeJson(timestamps, { timestampFormat: 'yyyy/MM/dd HH:mm', timeZone: 'UTC' });
  const strings = readJson(written, { schema: toSchema('date STRING') });
  expect(tableToRows(strings).map((r) => r['date'])).toEqual(['2015/08/27 01:00', '2014/10/28 01:30', '2016/01/29 04:00']);
});

json.scenario('Write timestamps correctly with timestampFormat option', () => {
  const timestamps = readJson(enc(DATES_RECORDS), { schema: toSchema('date TIMESTAMP'), options: { timestampFormat: 'dd/MM/yyyy HH:mm' } });
  const strings = readJson(writeJson(timestamps, { timestampFormat: 'yyyy/MM/dd HH:mm' }), { schema: toSchema('date STRING') });
  expect(tableToRows(strings).map((r) => r['date'])).toEqual(['2015/08/26 18:00', '2014/10/27 18:30', '2016/01/28 20:00']);
});

json.scenario('Write dates correctly with dateFormat option', () => {
  const dates = readJson(enc(DATES_RECORDS), { schema: toSchema('date DATE'), options: { dateFormat: 'dd/MM/yyyy HH:mm' } });
  const strings = readJson(writeJson(dates, { dateFormat: 'yyyy/MM/dd' }), { schema: toSchema('date STRING') });
  expect(tableToRows(strings).map((r) => r['date'])).toEqual(['2015/08/26', '2014/10/27', '2016/01/28']);
});

json.scenario('Casting long as timestamp', () => {
  // Spark's timestampAsLong: a JSON integer is seconds since the epoch, 2016-01-02 03:04:05 in the suite's Los Angeles zone.
  const rows = tableToRows(readJson(enc('{"ts":1451732645}'), { schema: toSchema('ts TIMESTAMP') }));
  expect(rows.map((r) => Number(r['ts']))).toEqual([Date.UTC(2016, 0, 2, 11, 4, 5)]);
});

json.scenario('SPARK-18352: Handle multi-line corrupt documents (PERMISSIVE)', () => {
  // A field of the wrong type keeps the rest of the record (partial results) and its text in the corrupt column.
  const rows = tableToRows(readJson(enc('{"a": 1, "b": "x"}\n{"a": "one", "b": "y"}\n{"a" 2}\n'), { schema: toSchema('a INT, b STRING, _corrupt_record STRING') }));
  expect(rows.map((r) => [r['a'], r['b'], r['_corrupt_record']])).toEqual([[1, 'x', null], [null, 'y', '{"a": "one", "b": "y"}'], [null, null, '{"a" 2}']]);
});
