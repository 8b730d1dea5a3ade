import type { QueryTracker } from '../model/queryTracker.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Why not, one line per query (or "no queries"). */
  readonly reasons: readonly string[];
}

/**
 * Ready when there is at least one query and every query (its newest start) is active, not
 * restarting, and without an exception — what an orchestrator's readiness probe should see.
 */
export function readiness(tracker: QueryTracker): Readiness {
  const newest = new Map<string, ReturnType<QueryTracker['list']>[number]>();
  for (const record of tracker.list()) {
    const seen = newest.get(record.query.id);
    if (!seen || record.startedAt >= seen.startedAt) newest.set(record.query.id, record);
  }
  if (newest.size === 0) return { ready: false, reasons: ['no queries'] };
  const reasons: string[] = [];
  for (const record of newest.values()) {
    const name = record.query.name ?? record.query.id;
    if (record.exception) reasons.push(`${name}: failed (${record.exception.code})`);
    else if (record.endedAt !== null) reasons.push(`${name}: stopped`);
    else if (record.status.message.startsWith('Restarting')) reasons.push(`${name}: restarting after a failure`);
    else if (record.state === 'initializing') reasons.push(`${name}: initializing`);
  }
  return { ready: reasons.length === 0, reasons };
}
