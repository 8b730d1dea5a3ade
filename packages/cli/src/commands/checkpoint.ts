import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointPath } from '@sluice/core/internal';
import { describeState, dropUncommittedBatch, inspectCheckpoint, type CheckpointReport, type OperatorStateDescription } from '@sluice/core';
import type { Output } from '../output.ts';

/** One stateful operator's state in a checkpoint: core's `describeState` and the bytes a restart loads. */
export interface OperatorStateReport extends OperatorStateDescription {
  /** Bytes of the newest version's files alone (every partition): what a restart reads. */
  readonly latestBytes: number;
}

/**
 * The state each stateful operator keeps in a checkpoint, as `sluice checkpoint state` prints it:
 * core's `describeState` (operator, provider, partitions, key spaces, readable batches, files and
 * bytes on disk) plus the size of the newest version's files.
 *
 * @example
 * for (const op of await stateReport('/var/lib/app/checkpoint')) console.log(op.operatorId, op.operatorName, op.bytes, op.latestBytes);
 */
export async function stateReport(location: string): Promise<OperatorStateReport[]> {
  const described = await describeState(location);
  return Promise.all(described.map(async (op) => ({ ...op, latestBytes: await latestVersionBytes(join(checkpointPath(location), 'state', String(op.operatorId))) })));
}

/** Bytes of the files of the highest version (`<version>.delta|.snapshot|…`) across partitions. */
async function latestVersionBytes(operatorDir: string): Promise<number> {
  const byVersion = new Map<number, number>();
  for (const partition of await entries(operatorDir)) {
    for (const file of await entries(join(operatorDir, partition))) {
      const version = Number(/^(\d+)\./.exec(file)?.[1]);
      if (!Number.isInteger(version)) continue;
      const info = await stat(join(operatorDir, partition, file)).catch(() => null);
      if (info?.isFile()) byVersion.set(version, (byVersion.get(version) ?? 0) + info.size);
    }
  }
  return byVersion.size ? byVersion.get(Math.max(...byVersion.keys()))! : 0;
}

async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
}

/** `sluice checkpoint inspect|state|drop-uncommitted <dir>`: exit 0, or 1 when inspect finds problems. */
export async function checkpointCommand(action: string, location: string, json: boolean, out: Output): Promise<number> {
  if (action === 'inspect') {
    const report = await inspectCheckpoint(location);
    const state = await stateReport(location);
    if (json) out.stdout(JSON.stringify({ ...report, state }, null, 2));
    else printReport(report, state, out);
    return report.problems.length ? 1 : 0;
  }
  if (action === 'state') {
    const state = await stateReport(location);
    if (json) out.stdout(JSON.stringify(state, null, 2));
    else if (state.length === 0) out.stdout('No state: the query has no stateful operator, or has not run a batch yet.');
    else {
      out.stdout(row(['operator', 'name', 'provider', 'partitions', 'batches', 'files', 'latest bytes', 'all bytes']));
      for (const s of state) {
        const batches = s.minBatchId === null ? '–' : `${s.minBatchId} … ${s.maxBatchId}`;
        out.stdout(row([String(s.operatorId), s.operatorName ?? '?', s.provider ?? '?', String(s.numPartitions), batches, String(s.files), String(s.latestBytes), String(s.bytes)]));
        for (const space of s.keySpaces) out.stdout(`  key space ${space.name}${space.ordered ? ' (ordered)' : ''}: key (${space.key.join(', ')}) → value (${space.value.join(', ')})`);
        if (s.problem) out.stdout(`  problem: ${s.problem}`);
      }
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
  for (const s of state) {
    const batches = s.minBatchId === null ? 'no readable batch' : `batches ${s.minBatchId} … ${s.maxBatchId}`;
    out.stdout(`state/${s.operatorId}      ${s.operatorName ?? 'unknown operator'} on ${s.provider ?? '?'}, ${s.numPartitions} partitions, ${batches}, ${s.latestBytes} bytes in the latest (${s.bytes} in ${s.files} files)${s.problem ? `; ${s.problem}` : ''}`);
  }
  for (const t of r.torn) out.stdout(`torn         ${t}`);
  out.stdout(r.problems.length ? `problems:\n  ${r.problems.join('\n  ')}` : 'problems     none');
}

function row(cells: readonly string[]): string {
  return cells.map((c, i) => (i < 3 ? c.padEnd(i === 1 ? 22 : 10) : c.padStart(12))).join(' ');
}
