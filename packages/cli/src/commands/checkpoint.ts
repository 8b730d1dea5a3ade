import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointPath } from '@sluice/core/internal';
import { describeState, dropUncommittedBatch, inspectCheckpoint, type CheckpointReport } from '@sluice/core';
import type { Output } from '../output.ts';

/** One stateful operator's state in a checkpoint: what the state store recorded, and its size on disk. */
export interface OperatorStateReport {
  readonly operator: string;
  /** `stateStoreSave`, `dedupe`, … (null when Sluice cannot read the state). */
  readonly operatorName: string | null;
  /** `memory` or `rocksdb`, as recorded at the query's first run. */
  readonly provider: string | null;
  readonly partitions: number;
  /** Versions with a file in the checkpoint (version N+1 = the state after batch N), oldest first. */
  readonly versions: readonly number[];
  /** The batches whose state can be read (`readState`'s `batchId`), or null. */
  readonly minBatchId: number | null;
  readonly maxBatchId: number | null;
  /** Bytes of every file of the operator's state (all versions kept, every partition). */
  readonly totalBytes: number;
  /** Bytes a restart loads: per partition, the newest snapshot and the deltas (changelogs) after it. */
  readonly latestBytes: number;
  /** Why Sluice cannot use this state, when it cannot. */
  readonly problem: string | null;
}

const VERSION_FILE = /^(\d+)\.(delta|changelog|snapshot|rocksdb)$/;

/**
 * The state each stateful operator keeps in a checkpoint (`state/<operator>/<partition>/`): the
 * state store's own description (`describeState`: operator, provider, partitions, readable
 * batches, bytes on disk) and the bytes a restart loads.
 */
export async function stateSizes(location: string): Promise<OperatorStateReport[]> {
  const root = join(checkpointPath(location), 'state');
  const out: OperatorStateReport[] = [];
  for (const op of await describeState(checkpointPath(location))) {
    const operator = String(op.operatorId);
    const versions = new Set<number>();
    let latestBytes = 0;
    for (const partition of (await entries(join(root, operator))).filter((p) => /^\d+$/.test(p))) {
      const dir = join(root, operator, partition);
      const files = new Map<string, number>();
      for (const file of await entries(dir)) {
        const match = VERSION_FILE.exec(file);
        if (!match) continue;
        versions.add(Number(match[1]));
        files.set(file, (await stat(join(dir, file))).size);
      }
      latestBytes += await restartBytes(dir, files);
    }
    out.push({
      operator, operatorName: op.operatorName, provider: op.provider, partitions: op.numPartitions, versions: [...versions].sort((a, b) => a - b),
      minBatchId: op.minBatchId, maxBatchId: op.maxBatchId, totalBytes: op.bytes, latestBytes, problem: op.problem,
    });
  }
  return out;
}

/** A partition's newest snapshot (a RocksDB snapshot's files, from its manifest) and the deltas after it. */
async function restartBytes(dir: string, files: ReadonlyMap<string, number>): Promise<number> {
  const parsed = [...files.keys()].map((f) => VERSION_FILE.exec(f)!).map((m) => ({ version: Number(m[1]), kind: m[2]!, name: m[0] }));
  const latest = Math.max(0, ...parsed.map((f) => f.version));
  const base = parsed.filter((f) => (f.kind === 'snapshot' || f.kind === 'rocksdb') && f.version <= latest).sort((a, b) => b.version - a.version)[0];
  let bytes = 0;
  if (base?.kind === 'snapshot') bytes += files.get(base.name)!;
  if (base?.kind === 'rocksdb') {
    const text = await readFile(join(dir, base.name), 'utf8').catch(() => '');
    try {
      const manifest = JSON.parse(text.slice(text.indexOf('\n') + 1)) as { files?: { size?: number }[] };
      bytes += (manifest.files ?? []).reduce((n, f) => n + (f.size ?? 0), 0);
    } catch {
      // an unreadable manifest: describeState reports the problem
    }
  }
  for (const f of parsed) if ((f.kind === 'delta' || f.kind === 'changelog') && f.version > (base?.version ?? 0)) bytes += files.get(f.name)!;
  return bytes;
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
      out.stdout(row(['operator', 'name', 'store', 'partitions', 'batches', 'restart loads', 'on disk']));
      for (const s of state) {
        out.stdout(row([s.operator, s.operatorName ?? '?', s.provider ?? '?', String(s.partitions), s.minBatchId === null ? '–' : `${s.minBatchId} … ${s.maxBatchId}`, bytes(s.latestBytes), bytes(s.totalBytes)]));
        if (s.problem) out.stdout(`  ${s.problem}`);
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
  for (const s of state) out.stdout(`state/${s.operator}      ${s.operatorName ?? '?'} on ${s.provider ?? '?'}, ${s.partitions} partitions, ${s.versions.length} versions, ${s.latestBytes} bytes in the latest (${s.totalBytes} in all)${s.problem ? `: ${s.problem}` : ''}`);
  out.stdout(r.problems.length ? `problems:\n  ${r.problems.join('\n  ')}` : 'problems     none');
}

/** Bytes as people read them: 812 B, 3.4 kB, 12.0 MB. */
function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function row(cells: readonly string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(13))).join(' ');
}
