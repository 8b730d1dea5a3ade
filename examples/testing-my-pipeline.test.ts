/**
 * How a user tests their own pipeline with @sluice/testing: the transformation, a crash and a
 * restart, all on virtual time. (Run by the test suite.)
 */
import { describe, it } from 'vitest';
import { col, filter, fromJson, select, type StreamFrame } from '@sluice/core';
import { crashAt, sluiceMarbles } from '@sluice/testing';

/** The pipeline under test: JSON events in, purchases out. */
function purchases(events: StreamFrame): StreamFrame {
  return events.pipe(fromJson('value', 'user STRING, action STRING, amount DOUBLE'), filter(col('action').eq('buy')), select('user', 'amount'));
}

const json = (o: object) => ({ value: JSON.stringify(o) });

describe('my purchases pipeline', () => {
  it('keeps purchases, and a crash after the sink write neither loses nor repeats one', () =>
    sluiceMarbles(({ source, query, expectSink }) => {
      const events = source('memory', '-a---b-', {
        a: [json({ user: 'ada', action: 'view', amount: 0 }), json({ user: 'ada', action: 'buy', amount: 9.5 })],
        b: [json({ user: 'bob', action: 'buy', amount: 3 })],
      }, 'value STRING');
      const q = query(purchases(events), {}, '--c--R-', { c: crashAt('addBatch', 'after') });
      expectSink(q).toBe('-x---y-', { x: [{ user: 'ada', amount: 9.5 }], y: [{ user: 'bob', amount: 3 }] });
    }));
});
