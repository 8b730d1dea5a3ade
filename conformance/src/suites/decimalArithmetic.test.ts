import { expect } from 'vitest';
import { col, decimalLiteral, select } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkAnswer, execute, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/catalyst/src/test/scala/org/apache/spark/sql/catalyst/expressions/ArithmeticExpressionSuite.scala,
// evaluated inside streaming queries (memory source → select → memory sink).
const spark = suite('ArithmeticExpressionSuite');

spark.scenario('SPARK-45786: Decimal multiply, divide, remainder, quot', async () => {
  const input = memoryInput('a DECIMAL(38,6), b DECIMAL(4,4), c DECIMAL(9,9), d DECIMAL(31,1)');
  const frame = input.frame.pipe(select(col('a').multiply(col('b')).alias('product'), col('c').divide(col('d')).alias('quotient'), col('a').mod(col('b')).alias('rest')));
  await testStream(frame, {},
    execute(() => expect(frame.schema.fields.map((f) => String(f.type))).toEqual(['Decimal[38e+6]', 'Decimal[38e+37]', 'Decimal[6e+6]'])),
    addData(input, ['-14120025096157587712113961295153.858047', '-0.4652', '-0.172787979', '533704665545018957788294905796.5']),
    // Spark: 6568635674732509803675414794505.574763 and -3.237520E-31 (= the DECIMAL(38,37) below).
    checkAnswer(['6568635674732509803675414794505.574763', '-0.0000000000000000000000000000003237520', '-0.205247']));
});

spark.scenario('/ (Divide) for Decimal type: integer columns join as DECIMAL(10,0), literals by their digits', async () => {
  const input = memoryInput('price DECIMAL(10,2), qty INT');
  const frame = input.frame.pipe(select(
    col('price').divide(col('qty')).alias('unit'), col('price').multiply(decimalLiteral('1.05')).alias('taxed'), col('price').plus(1).alias('plus'),
  ));
  await testStream(frame, {},
    execute(() => expect(frame.schema.fields.map((f) => String(f.type))).toEqual(['Decimal[21e+13]', 'Decimal[14e+4]', 'Decimal[11e+2]'])),
    addData(input, ['10.00', 3], ['-0.01', 7]),
    checkAnswer(['3.3333333333333', '10.5000', '11.00'], ['-0.0014285714286', '-0.0105', '0.99']));
});

spark.deviation('/ (Divide) basic', async () => {
  // Spark 4 runs with spark.sql.ansi.enabled=true: these rows fail the query (DIVIDE_BY_ZERO,
  // NUMERIC_VALUE_OUT_OF_RANGE, CAST_INVALID_INPUT). Sluice answers as Spark with ANSI off: null.
  const input = memoryInput('x DECIMAL(38,0), y DECIMAL(38,0), s STRING');
  const frame = input.frame.pipe(select(col('x').divide(col('y')).alias('q'), col('x').plus(col('x')).alias('twice'), col('s').cast('decimal(10,2)').alias('cast')));
  await testStream(frame, {},
    addData(input, ['1', '0', 'abc'], ['99999999999999999999999999999999999999', '1', '123456789.5']),
    // x / 1 is DECIMAL(38,6) by Spark's rule: 38 integer digits do not fit its 32, so it overflows (null here, an error under ANSI).
    checkAnswer([null, '2', null], [null, null, null]));
});
