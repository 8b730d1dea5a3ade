/**
 * `pnpm checkpoint inspect <path>` — what a checkpoint holds and what is wrong with it.
 * `pnpm checkpoint drop-uncommitted <path>` — give up the batch a restart would re-run.
 */
import { dropUncommittedBatch, inspectCheckpoint } from '@sluice/core';

const [command, path] = process.argv.slice(2);
if (!path || (command !== 'inspect' && command !== 'drop-uncommitted')) {
  console.error('usage: pnpm checkpoint inspect <checkpointLocation>\n       pnpm checkpoint drop-uncommitted <checkpointLocation>');
  process.exit(2);
}
if (command === 'inspect') {
  const r = await inspectCheckpoint(path);
  console.log(`checkpoint   ${r.location}`);
  console.log(`query id     ${r.queryId ?? '(none)'}`);
  console.log(`lock         ${r.lock ?? '(free)'}`);
  console.log(`offsets      ${r.offsets ? `${r.offsets.first} … ${r.offsets.last}` : '(none)'}`);
  console.log(`commits      ${r.commits ? `${r.commits.first} … ${r.commits.last}` : '(none)'}`);
  console.log(`next start   ${r.pendingBatch ? `re-runs batch ${r.pendingBatch.batchId} up to ${r.pendingBatch.seq.offsets.map((o) => JSON.stringify(o)).join(', ')}` : r.commits ? `plans batch ${r.commits.last + 1}` : 'plans batch 0'}`);
  for (const s of r.sources) console.log(`sources/${s.index}    ${s.entries} entries`);
  console.log(r.problems.length ? `problems:\n  ${r.problems.join('\n  ')}` : 'problems     none');
  process.exit(r.problems.length ? 1 : 0);
} else {
  const dropped = await dropUncommittedBatch(path);
  console.log(dropped === null ? 'Nothing to drop: the last logged batch is committed.' : `Dropped offsets/${dropped}: the next run plans batch ${dropped} afresh.`);
}
