/** Shared imports of the integration tests (every package registered), and a killable child process runner. */
import { spawn } from 'node:child_process';
import '@sluice/sources';
import '@sluice/sinks';
export * from '@sluice/core';
export * from '@sluice/core/connector';
export * from '@sluice/core/internal';
export type InspectionEventLike = { type: string; snapshot?: unknown };


/** When to SIGKILL a child: `delayMs` after it has printed `batches` lines starting with "batch ". */
export interface KillAfter {
  readonly batches: number;
  readonly delayMs: number;
}

/**
 * Run a TypeScript fixture as a child process (`node --import tsx script ...args`, node itself so
 * that SIGKILL reaches the process running the query: the tsx CLI would run it in a grandchild),
 * counting the "batch <id>" lines it prints; with `killAfter`, SIGKILL it that long after that
 * many batches. Resolves true when it was killed, false when it exited 0; rejects with its
 * stderr on any other exit.
 *
 * @example
 * const killed = await runKillableChild(join(here, 'fixtures/joinAcrossKills.ts'), [checkpoint, out], { cwd: repoRoot, killAfter: { batches: 4, delayMs: 23 } });
 */
export function runKillableChild(script: string, args: readonly string[], options: { readonly cwd: string; readonly killAfter?: KillAfter }): Promise<boolean> {
  const { killAfter } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
    let batches = 0;
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      batches += (d.toString().match(/^batch /gm) ?? []).length;
      if (killAfter && !armed && batches >= killAfter.batches) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfter.delayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(true);
      else if (code === 0) resolve(false);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}
