import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { isSluiceError, tableFromRows, toSchema } from '@sluice/core';
import { MemoryStream, memoryStream } from './memoryStream.ts';

describe('MemoryStream', () => {
  it("makes each addData one offset, numbered as Spark's (first is 0), and replays any range", () => {
    const stream = memoryStream('x INT');
    expect(stream.latestOffset).toBe(-1);
    expect(stream.addData([{ x: 1 }, { x: 2 }])).toBe(0);
    expect(stream.addData([{ x: 3 }])).toBe(1);
    expect(stream.slice(0, 1).toArray().map((r) => r.toJSON())).toEqual([{ x: 3 }]);
    expect(stream.slice(-1, 1).numRows).toBe(3);
  });

  it('refuses a table of another schema', () => {
    const stream = memoryStream('x INT');
    try {
      stream.addData(tableFromRows(toSchema('y STRING'), [{ y: 'a' }]));
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error, 'SCHEMA_MISMATCH')).toBe(true);
    }
  });

  it('buffers an Observable the app owns', () => {
    const events = new Subject<{ x: number }[]>();
    const stream = MemoryStream.fromObservable(events, 'x INT');
    events.next([{ x: 1 }]);
    events.next([{ x: 2 }]);
    expect(stream.latestOffset).toBe(1);
  });
});
