/**
 * Every Nexmark query of `pnpm bench nexmark` through Sluice (file checkpoint, availableNow,
 * append or update mode as the bench runs it) against the hand-written loop's answer on the same
 * generated events, so that `make test` checks the bench's queries too. At 1,000 events per second
 * of event time (the bench's rate is 10,000), 30,000 events span 30 s: with the 4 s watermark
 * delay, batches of 4,000 close 10 s windows, sessions and auctions along the way and at the
 * final no-data batch.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { QueryManager, silentLogger } from '@sluice/core';
import { check } from './check.ts';
import { DEFAULT_CONFIG } from './generator.ts';
import { HAND_QUERIES } from './hand.ts';
import { SLUICE_QUERIES } from './queries.ts';

const EVENTS = 30_000;
const BATCH = 4_000;
const CONFIG = { ...DEFAULT_CONFIG, rate: 1_000 };
const manager = new QueryManager({ logger: silentLogger });
afterAll(() => manager.stopAll());

describe('Nexmark queries: Sluice equals the hand-written loop', () => {
  it('covers q0–q8 and q11', () => {
    expect(Object.keys(SLUICE_QUERIES).sort()).toEqual(['q0', 'q1', 'q11', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8']);
    expect(Object.keys(HAND_QUERIES).sort()).toEqual(Object.keys(SLUICE_QUERIES).sort());
  });

  for (const name of Object.keys(SLUICE_QUERIES)) {
    it(`${name}: the same rows`, async () => {
      const rows = await check(manager, name, EVENTS, BATCH, CONFIG);
      // A check of nothing proves nothing: every query has output on these events.
      expect(rows).toBeGreaterThan(0);
    });
  }
});
