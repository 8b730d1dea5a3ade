import { describe, expect, it } from 'vitest';
import { parseDeltaCommit, serializeDeltaAction, type DeltaAction } from './actions.ts';

describe('log actions', () => {
  it('read tolerantly: unknown actions and fields are ignored, known ones kept', () => {
    const text = [
      '{"commitInfo":{"timestamp":5,"operation":"WRITE","somethingNew":{"x":1}}}',
      '{"checkpointMetadata":{"version":3}}',
      '{"add":{"path":"a%20b.parquet","partitionValues":{"p":null},"size":10,"modificationTime":7,"dataChange":true,"clusteringProvider":"liquid","futureField":[1,2]}}',
      '{"remove":{"path":"old.parquet","dataChange":false}}',
      '{"txn":{"appId":"q","version":4}}',
      '{"sidecar":{"path":"s.parquet"}}',
      '',
    ].join('\n');
    const actions = parseDeltaCommit(text, 'v3.json');
    expect(actions.map((a) => a.kind)).toEqual(['commitInfo', 'add', 'remove', 'txn']);
    expect(actions[1]).toEqual({ kind: 'add', add: { path: 'a%20b.parquet', partitionValues: { p: null }, size: 10, modificationTime: 7, dataChange: true } });
    expect(actions[2]).toEqual({ kind: 'remove', remove: { path: 'old.parquet', dataChange: false } });
  });

  it('round-trip through their log lines', () => {
    const actions: DeltaAction[] = [
      { kind: 'protocol', protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      { kind: 'metaData', metaData: { id: 'id', format: { provider: 'parquet', options: {} }, schemaString: '{"type":"struct","fields":[]}', partitionColumns: ['p'], configuration: { k: 'v' }, createdTime: 1 } },
      { kind: 'add', add: { path: 'p=1/f.parquet', partitionValues: { p: '1' }, size: 3, modificationTime: 4, dataChange: true, stats: '{"numRecords":1}' } },
      { kind: 'remove', remove: { path: 'g.parquet', deletionTimestamp: 9, dataChange: true, extendedFileMetadata: true, partitionValues: {}, size: 2 } },
      { kind: 'txn', txn: { appId: 'a', version: 3, lastUpdated: 8 } },
    ];
    expect(parseDeltaCommit(actions.map(serializeDeltaAction).join('\n'), 'x')).toEqual(actions);
  });

  it('a damaged line is FILE_CORRUPT naming the file and line', () => {
    expect(() => parseDeltaCommit('{"add":{"path":"a"}}\n{"add":', '00000000000000000007.json')).toThrow(expect.objectContaining({ code: 'FILE_CORRUPT', message: expect.stringContaining('00000000000000000007.json cannot be read: line 2 is not valid JSON') }));
    expect(() => parseDeltaCommit('{"add":{"size":1}}', 'v.json')).toThrow(expect.objectContaining({ code: 'FILE_CORRUPT', message: expect.stringContaining('no path') }));
  });
});
