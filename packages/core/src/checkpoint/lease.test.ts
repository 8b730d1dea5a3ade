import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { fileLeaseStorage } from './fileLease.ts';
import { nodeFileSystem } from './fileSystem.ts';
import { acquireLease, realLeaseClock, type LeaseClock } from './lease.ts';

const LEASE_MS = 300;
const owner = (runId: string) => ({ queryId: null, runId, name: runId });
const dir = () => mkdtemp(join(tmpdir(), 'sluice-lease-'));
const storage = (path: string) => fileLeaseStorage(nodeFileSystem, join(path, '.lock'));
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A live process that is not a Sluice query: its pid in a lease proves nothing. */
function liveStranger(): number {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGKILL'));
  return child.pid!;
}

describe('the checkpoint lease (no process id is trusted)', () => {
  it('takes over a lease whose pid belongs to another live process once it has not been renewed for the lease time', async () => {
    const path = await dir();
    await writeFile(join(path, '.lock'), JSON.stringify({ runId: 'gone', queryId: null, name: null, hostname: hostname(), pid: liveStranger(), renewals: 3 }));
    const started = Date.now();
    const lease = await acquireLease(storage(path), owner('next'), { leaseMs: LEASE_MS });
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS - 20);
    expect(JSON.parse(await readFile(join(path, '.lock'), 'utf8'))).toMatchObject({ runId: 'next', pid: process.pid });
    await lease.release();
  });

  it('takes over a lease of an older Sluice (pid file), of another host, or unreadable, after the lease time', async () => {
    for (const text of [
      JSON.stringify({ pid: liveStranger(), hostname: hostname(), runId: 'old-format', name: null }),
      JSON.stringify({ runId: 'elsewhere', queryId: null, name: null, hostname: 'another-host', pid: 1 }),
      '{"runId":"to',
    ]) {
      const path = await dir();
      await writeFile(join(path, '.lock'), text);
      const lease = await acquireLease(storage(path), owner('next'), { leaseMs: LEASE_MS });
      await lease.release();
    }
  });

  it('takes over at once when the holder was on this host and its pid no longer exists', async () => {
    const path = await dir();
    await writeFile(join(path, '.lock'), JSON.stringify({ runId: 'dead', queryId: null, name: null, hostname: hostname(), pid: 2 ** 22 + 4321 }));
    const started = Date.now();
    const lease = await acquireLease(storage(path), owner('next'), { leaseMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    await lease.release();
  });

  it('refuses while the holder renews, naming it', async () => {
    const path = await dir();
    const file = join(path, '.lock');
    let renewals = 0;
    const record = () => JSON.stringify({ runId: 'alive', queryId: null, name: 'busy', hostname: 'another-host', pid: 1, renewals: renewals++ });
    await writeFile(file, record());
    const renewer = setInterval(() => void writeFile(file, record()), 40);
    cleanups.push(() => clearInterval(renewer));
    const error = await rejection(acquireLease(storage(path), owner('second'), { leaseMs: LEASE_MS }));
    expect(isSluiceError(error, 'CHECKPOINT_LOCKED')).toBe(true);
    expect(error.message).toContain("run alive of query 'busy'");
  });

  it('a holder renews its lease, releases it on stop, and stops renewing once taken over', async () => {
    const path = await dir();
    const file = join(path, '.lock');
    // Renewals run when the test says, so the takeover below lands between two of them: on a
    // timer, a renewal that had read the lease just before the takeover could write it back
    // (the file store's replace is check-then-rename; offsets/N put-if-absent is the arbiter).
    let renew: (() => void) | undefined;
    let stopped = false;
    const clock: LeaseClock = { ...realLeaseClock, every: (_ms, fn) => ((renew = fn), { stop: () => void (stopped = true) }) };
    const renewed = async (): Promise<string> => {
      renew!();
      await new Promise((r) => setTimeout(r, 50));
      return readFile(file, 'utf8');
    };
    const lease = await acquireLease(storage(path), owner('holder'), { leaseMs: 100, clock });
    const first = await readFile(file, 'utf8');
    const second = await renewed();
    expect(second).not.toBe(first);
    expect(JSON.parse(second)).toMatchObject({ runId: 'holder', renewals: 1 });
    // Someone took it over (we were paused past the lease): we must not write it back.
    const usurper = JSON.stringify({ runId: 'usurper', queryId: null, name: null, hostname: 'another-host', pid: 1 });
    await writeFile(`${file}.new`, usurper);
    await rename(`${file}.new`, file);
    expect(await renewed()).toBe(usurper);
    expect(stopped).toBe(true);
    await lease.release();
    expect(await readFile(file, 'utf8')).toBe(usurper);
  });

  it('of two runs claiming one dead lease at the same time, exactly one gets it', async () => {
    const path = await dir();
    await writeFile(join(path, '.lock'), JSON.stringify({ runId: 'dead', queryId: null, name: null, hostname: 'another-host', pid: 1 }));
    const results = await Promise.allSettled([acquireLease(storage(path), owner('a'), { leaseMs: LEASE_MS }), acquireLease(fileLeaseStorage(nodeFileSystem, join(path, '.lock')), owner('b'), { leaseMs: LEASE_MS })]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isSluiceError(lost.reason, 'CHECKPOINT_LOCKED')).toBe(true);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLease>>>).value.release();
  });
});
