import { hostname } from 'node:os';
import { SluiceError } from '../errors.ts';
import type { CheckpointLock, LockOwner } from './checkpointStore.ts';

/**
 * Where a lease lives. Four operations, each of which object stores offer too, so the same
 * protocol guards a checkpoint on S3/GCS/ABFS:
 * - `read` — the lease's text and an opaque version (a file's content here, an ETag there);
 * - `create` — put-if-absent (`link` here; `If-None-Match: *` there);
 * - `replace` — overwrite whole if still at `version` (check-then-rename here, a window of
 *   microseconds; `If-Match: <etag>` there), used by the holder to renew;
 * - `claim` — take over a lease still at `version`, atomically (rename-and-verify here;
 *   `If-Match: <etag>` there): of two starters claiming one stale lease, one wins.
 */
export interface LeaseStorage {
  readonly path: string;
  read(): Promise<{ text: string; version: string } | undefined>;
  create(text: string): Promise<boolean>;
  replace(version: string, text: string): Promise<boolean>;
  claim(version: string, text: string): Promise<boolean>;
  remove(): Promise<void>;
}

/** Real time for the lease: it is about other processes, which virtual time cannot pause. */
export interface LeaseClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  every(ms: number, fn: () => void): { stop(): void };
}

export const realLeaseClock: LeaseClock = {
  now: () => Date.now(),
  // Not unref'd: a process whose only work is starting a query must wait for the lease, not exit.
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  },
};

export interface LeaseOptions {
  /** A lease not renewed for this long is dead and may be taken over (default 5 s). */
  readonly leaseMs?: number;
  readonly clock?: LeaseClock;
}

interface LeaseRecord {
  readonly runId: string;
  readonly queryId: string | null;
  readonly name: string | null;
  readonly hostname: string;
  /** Shown to people, and used in one direction only: a pid that no longer exists proves the holder dead. */
  readonly pid: number;
  readonly renewals?: number;
  readonly leaseMs?: number;
}

/** Leases this process holds or is acquiring, by path: a second query in the same process is refused at once. */
const heldInProcess = new Set<string>();

/**
 * Take the checkpoint's lease, or fail with CHECKPOINT_LOCKED naming the holder.
 *
 * No process id is trusted to mean "alive": a dead holder's pid can linger (an orphan not yet
 * reaped) or belong to another process after a restart. The holder renews the lease every
 * `leaseMs / 5`; a starter that finds a lease watches it, and one that does not change for
 * `leaseMs` is dead and is claimed. Only the safe direction of a pid is used: on the same host,
 * a pid that does not exist means the holder is gone, so a restart after kill -9 is immediate.
 * The lease keeps two runs from working at once in the normal case; the arbiter that makes a
 * second writer harmless in every case (a holder paused past its lease) is put-if-absent on
 * `offsets/N`: the loser of that race fails with CHECKPOINT_LOCKED before its sink write. State
 * deltas written meanwhile (they overlap that put) are created exclusively, so they too fail
 * rather than replace what the run that took over wrote (see `StateStoreProvider.load`).
 */
export async function acquireLease(storage: LeaseStorage, owner: LockOwner, options: LeaseOptions = {}): Promise<CheckpointLock> {
  const leaseMs = options.leaseMs ?? 5_000;
  const clock = options.clock ?? realLeaseClock;
  const record = (renewals: number): string =>
    JSON.stringify({ runId: owner.runId, queryId: owner.queryId, name: owner.name, hostname: hostname(), pid: process.pid, renewals, leaseMs } satisfies LeaseRecord);
  if (heldInProcess.has(storage.path)) throw locked(storage, await storage.read());
  heldInProcess.add(storage.path);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await storage.create(record(0))) return hold(storage, owner, record, leaseMs, clock);
      const seen = await storage.read();
      if (seen === undefined) continue; // released meanwhile: try again
      if (!(await isDead(storage, seen, leaseMs, clock))) throw locked(storage, await storage.read());
      if (await storage.claim(seen.version, record(0))) return hold(storage, owner, record, leaseMs, clock);
    }
    throw locked(storage, await storage.read());
  } catch (error) {
    heldInProcess.delete(storage.path);
    throw error;
  }
}

/** Whether the lease `seen` is dead: its holder provably gone, or no renewal for `leaseMs`. */
async function isDead(storage: LeaseStorage, seen: { text: string; version: string }, leaseMs: number, clock: LeaseClock): Promise<boolean> {
  const holder = parseLease(seen.text);
  if (holder && holder.hostname === hostname()) {
    if (holder.pid === process.pid) return true; // our own run, abandoned (a simulated crash): no other run here holds it
    if (!pidExists(holder.pid)) return true;
  }
  // Watch it: a live holder renews well within leaseMs; a dead one never changes it again.
  const watchMs = Math.max(leaseMs, holder?.leaseMs ?? 0);
  const start = clock.now();
  const step = Math.max(10, Math.min(250, Math.floor(watchMs / 10)));
  while (clock.now() - start < watchMs) {
    await clock.sleep(step);
    const now = await storage.read();
    if (now === undefined || now.version !== seen.version) return false;
  }
  return true;
}

function hold(storage: LeaseStorage, owner: LockOwner, record: (renewals: number) => string, leaseMs: number, clock: LeaseClock): CheckpointLock {
  let renewals = 0;
  let renewing: Promise<void> = Promise.resolve();
  // Renew well inside the lease so that one slow write or a short pause does not lose it.
  const timer = clock.every(Math.max(10, Math.floor(leaseMs / 5)), () => {
    renewing = renewing.then(async () => {
      const current = await storage.read().catch(() => undefined);
      // Taken over (we were paused past the lease): stop renewing; offsets/N put-if-absent stops our writes.
      if (current === undefined || parseLease(current.text)?.runId !== owner.runId) return timer.stop();
      if (!(await storage.replace(current.version, record(++renewals)).catch(() => true))) timer.stop();
    });
  });
  let held = true;
  const stop = () => {
    held = false;
    timer.stop();
    heldInProcess.delete(storage.path);
  };
  return {
    release: async () => {
      if (!held) return;
      stop();
      await renewing;
      const current = await storage.read().catch(() => undefined);
      if (current && parseLease(current.text)?.runId === owner.runId) await storage.remove().catch(() => undefined);
    },
    abandon: stop,
  };
}

function parseLease(text: string): LeaseRecord | undefined {
  try {
    const value = JSON.parse(text) as LeaseRecord;
    return typeof value === 'object' && value !== null && typeof value.runId === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function pidExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function locked(storage: LeaseStorage, holder: { text: string } | undefined): SluiceError {
  const info = holder ? parseLease(holder.text) : undefined;
  const who = info ? ` by run ${info.runId}${info.name ? ` of query '${info.name}'` : ''} (pid ${info.pid} on ${info.hostname})` : '';
  return new SluiceError(
    'CHECKPOINT_LOCKED',
    `Checkpoint lease ${storage.path} is held${who}, and its holder is renewing it. Two queries cannot share a checkpoint: stop the other one, or give this query its own checkpointLocation. A holder that died releases the lease by itself within seconds.`,
    { details: { lease: storage.path } },
  );
}
