import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointPath } from '@sluice/core/internal';
import { dropUncommittedBatch, inspectCheckpoint, type CheckpointReport } from '@sluice/core';
import type { Output } from '../output.ts';

/** One stateful operator's state in a checkpoint, as files on disk. */
export interface OperatorStateReport {
  readonly operator: string;
  readonly partitions: number;
  /** Versions kept (version N+1 = the state after batch N), newest last. */
  readonly versions: readonly number[];
  /** Bytes of every file of the operator (all versions kept). */
  readonly totalBytes: number;
  /** Bytes of the newest version alone: what a restart loads. */
  readonly latestBytes: number;
}

/**
 * The state each stateful operator keeps in a checkpoint (`state/<operator>/<partition>/<version>.*`):
 * versions kept and bytes on disk. Read from the files; the state-store engine's own size
 * report replaces the byte count when it lands (issue 13).
 *
 * @example
 * for (const op of await stateSizes('/var/lib/app/checkpoint')) console.log(op.operatorId, op.latestBytes);
 */
export async function stateSizes(location: string): Promise<OperatorStateReport[]> {
  const root = join(checkpointPath(location), 'state');
  const out: OperatorStateReport[] = [];
  for (const operator of (await entries(root)).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))) {
    const partitions = await entries(join(root, operator));
    const byVersion = new Map<number, number>();
    let totalBytes = 0;
    for (const partition of partitions) {
      for (const file of await entries(join(root, operator, partition))) {
        const info = await stat(join(root, operator, partition, file));
        if (!info.isFile()) continue;
        totalBytes += info.size;
        const version = Number(/^(\d+)/.exec(file)?.[1]);
        if (Number.isInteger(version)) byVersion.set(version, (byVersion.get(version) ?? 0) + info.size);
      }
    }
    const versions = [...byVersion.keys()].sort((a, b) => a - b);
    out.push({ operator, partitions: partitions.length, versions, totalBytes, latestBytes: versions.length ? byVersion.get(versions.at(-1)!)! : 0 });
  }
  return out;
}

async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
}

/** `sluice checkpoint inspect|state|drop-uncommitted <dir>`: exit 0, or 1 when inspect finds problems. */
export async function checkpointCommand(action: string, location: string, json: boolean, out: Output): Promise<number> {
  if (action === 'inspect') {
    const report = await inspectCheckpoint(location);
    const state = await stateSizes(location);
    if (json) out.stdout(JSON.stringify({ ...report, state }, null, 2));
    else printReport(report, state, out);
    return report.problems.length ? 1 : 0;
  }
  if (action === 'state') {
    const state = await stateSizes(location);
    if (json) out.stdout(JSON.stringify(state, null, 2));
    else if (state.length === 0) out.stdout('No state: the query has no stateful operator, or has not run a batch yet.');
    else {
      out.stdout(row(['operator', 'partitions', 'versions', 'latest', 'latest bytes', 'all bytes']));
      for (const s of state) out.stdout(row([s.operator, String(s.partitions), s.versions.length ? `${s.versions[0]} … ${s.versions.at(-1)}` : '–', String(s.versions.at(-1) ?? '–'), String(s.latestBytes), String(s.totalBytes)]));
    }
    return 0;
  }
  const dropped = await dropUncommittedBatch(location);
  out.stdout(dropped === null ? 'Nothing to drop: the last logged batch is committed.' : `Dropped offsets/${dropped}: the next run plans batch ${dropped} afresh.`);
  return 0;
}

function printReport(r: CheckpointReport, state: readonly OperatorStateReport[], out: Output): void {
  out.stdout(`checkpoint   ${r.location}`);
  out.stdout(`query id     ${r.queryId ?? '(none)'}`);
  out.stdout(`lock         ${r.lock ?? '(free)'}`);
  out.stdout(`offsets      ${r.offsets ? `${r.offsets.first} … ${r.offsets.last}` : '(none)'}`);
  out.stdout(`commits      ${r.commits ? `${r.commits.first} … ${r.commits.last}` : '(none)'}`);
  out.stdout(`next start   ${r.pendingBatch ? `re-runs batch ${r.pendingBatch.batchId} up to ${r.pendingBatch.seq.offsets.map((o) => JSON.stringify(o)).join(', ')}` : r.commits ? `plans batch ${r.commits.last + 1}` : 'plans batch 0'}`);
  for (const s of r.sources) out.stdout(`sources/${s.index}    ${s.entries} entries`);
  for (const s of state) out.stdout(`state/${s.operator}      ${s.versions.length} versions, ${s.latestBytes} bytes in the latest (${s.totalBytes} in all)`);
  out.stdout(r.problems.length ? `problems:\n  ${r.problems.join('\n  ')}` : 'problems     none');
}

function row(cells: readonly string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(13))).join(' ');
}
