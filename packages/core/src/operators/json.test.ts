import { describe, expect, it } from 'vitest';
import { toSchema } from '../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../arrow/tables.ts';
import { executePlan, standaloneOperatorContext } from '../builders/plan.ts';
import { StreamFrame } from '../builders/streamFrame.ts';
import { isSluiceError } from '../errors.ts';
import type { SourceProvider } from '../types.ts';
import { col, toJson } from './column.ts';
import { fromJson } from './fromJson.ts';
import { select } from './select.ts';

const kafkaLike = toSchema('key BINARY, value BINARY, offset LONG');
const provider: SourceProvider = { format: 'test', schema: kafkaLike, options: {}, open: () => Promise.reject(new Error('unused')) };
const context = standaloneOperatorContext();
const bytes = (s: string) => new TextEncoder().encode(s);
const input = tableFromRows(kafkaLike, [
  { key: bytes('k1'), value: bytes('{"user_id":7,"event_type":"click"}'), offset: 0n },
  { key: null, value: bytes('{"user_id":"not a number"}'), offset: 1n },
  { key: null, value: bytes('not json'), offset: 2n },
  { key: null, value: null, offset: 3n },
]);
const run = async (frame: StreamFrame) => tableToRows(await executePlan(frame.node, new Map([[provider, input]]), context));
const schema = 'user_id LONG, event_type STRING';

describe('fromJson and toJson', () => {
  it('PERMISSIVE spreads the parsed fields in place of the column and keeps bad records in _corrupt_record', async () => {
    const frame = StreamFrame.fromSource(provider).pipe(fromJson('value', schema));
    expect(frame.schema.fields.map((f) => f.name)).toEqual(['key', 'user_id', 'event_type', '_corrupt_record', 'offset']);
    const rows = await run(frame.pipe(select('user_id', 'event_type', '_corrupt_record', 'offset')));
    expect(rows).toEqual([
      { user_id: 7n, event_type: 'click', _corrupt_record: null, offset: 0n },
      { user_id: null, event_type: null, _corrupt_record: '{"user_id":"not a number"}', offset: 1n },
      { user_id: null, event_type: null, _corrupt_record: 'not json', offset: 2n },
      { user_id: null, event_type: null, _corrupt_record: null, offset: 3n },
    ]);
  });

  it('DROPMALFORMED drops bad records with the rest of their row', async () => {
    const rows = await run(StreamFrame.fromSource(provider).pipe(fromJson('value', schema, { mode: 'DROPMALFORMED' }), select('user_id', 'offset')));
    expect(rows).toEqual([{ user_id: 7n, offset: 0n }, { user_id: null, offset: 3n }]);
  });

  it('FAILFAST fails the batch naming where the bad record is', async () => {
    const error = await run(StreamFrame.fromSource(provider).pipe(fromJson('value', schema, { mode: 'FAILFAST' }))).catch((e: unknown) => e);
    expect(isSluiceError(error, 'MALFORMED_RECORD')).toBe(true);
    expect((error as Error).message).toContain("row 1 of batch partition 0 in column 'value'");
  });

  it('as: keeps the record as a struct, selectable with data.*', async () => {
    const rows = await run(StreamFrame.fromSource(provider).pipe(fromJson('value', schema, { as: 'data' }), select('data.*')));
    expect(rows[0]).toEqual({ user_id: 7n, event_type: 'click' });
  });

  it('toJson writes the to_json(struct(*)) pattern back out', async () => {
    const rows = await run(StreamFrame.fromSource(provider).pipe(fromJson('value', schema, { mode: 'DROPMALFORMED' }), select(col('user_id').cast('string').alias('key'), toJson('user_id', 'event_type').alias('value'))));
    expect(rows).toEqual([{ key: '7', value: '{"user_id":7,"event_type":"click"}' }, { key: null, value: '{}' }]);
  });

  it('refuses a column that is not text', () => {
    expect(() => StreamFrame.fromSource(provider).pipe(fromJson('offset', schema))).toThrow(/string or binary column/);
  });
});
