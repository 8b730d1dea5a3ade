import { QueryManager, silentLogger, type QueryValidation } from '@sluice/core';
import { loadJob } from '../job/loadJob.ts';
import { writerOf } from '../job/job.ts';
import type { Output } from '../output.ts';

/**
 * `sluice validate <job>`: read the job, parse every query's options, resolve its formats, check
 * its output mode against its plan and print the plan — nothing is started, no checkpoint is
 * touched. Throws the first problem as a SluiceError (exit 3).
 */
export async function validateCommand(file: string, json: boolean, out: Output): Promise<number> {
  const manager = new QueryManager({ logger: silentLogger });
  const job = await loadJob(file);
  const plans: QueryValidation[] = job.queries.map((entry) => writerOf(entry, manager).validate());
  if (json) {
    out.stdout(JSON.stringify({ file, valid: true, restart: job.restart ?? null, queries: plans }, null, 2));
    return 0;
  }
  out.stdout(`${file}: ${plans.length} ${plans.length === 1 ? 'query' : 'queries'}, valid${job.restart ? ` (restart up to ${job.restart.maxRestarts} times, backoff ${job.restart.backoffMs} ms)` : ''}`);
  for (const plan of plans) {
    out.stdout('');
    out.stdout(`query ${plan.name ?? '(unnamed)'}`);
    plan.sources.forEach((s) => out.stdout(`  source      ${s}`));
    out.stdout(`  sink        ${plan.sink}`);
    out.stdout(`  trigger     ${plan.trigger}`);
    out.stdout(`  output      ${plan.outputMode}`);
    out.stdout(`  checkpoint  ${plan.checkpointLocation ?? '(temporary: deleted on a clean stop)'}`);
    out.stdout('  plan');
    for (const line of plan.plan) out.stdout(`    ${line}`);
  }
  return 0;
}
