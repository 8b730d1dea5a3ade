/**
 * Run the `sluice` command as a real child process (node with tsx's loader, so that signals —
 * SIGKILL too — reach the process itself) and read its JSON log lines as they come.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'packages/cli/src/bin.ts');

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface Sluice {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  stderr(): string;
  /** Resolves with the first log line matching, as soon as it is written. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or the signal that killed it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const running = new Set<ChildProcess>();

/**
 * SIGKILL every `sluice` process a test started and left running (a failed assertion skips the
 * test's own stop): run it in afterEach, so a failure cannot leave processes holding the CPU.
 */
export async function killStragglers(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
  running.clear();
}

/** How long a log line may take by default: starting node with tsx's loader takes seconds, far more on a loaded machine. */
const WAIT_MS = 120_000;

export function sluice(args: readonly string[], env: NodeJS.ProcessEnv = {}): Sluice {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: LogLine[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      for (const w of [...waiters]) if (w.match(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(line));
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor: (match, timeoutMs = WAIT_MS) => {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr}\nlast lines: ${JSON.stringify(lines.slice(-5))}`)), timeoutMs);
        waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then(() => setTimeout(() => reject(new Error(`sluice exited before a matching line; stderr: ${stderr}\nlast lines: ${JSON.stringify(lines.slice(-5))}`)), 50));
      });
    },
  };
}

/** The README's job file (its first yaml block), its /tmp/sluice-demo paths moved into `dir`. */
export async function readmeJob(dir: string): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Running in production')))?.[1];
  if (!block) throw new Error('README.md has no yaml job under "Running in production"');
  return block.replaceAll('/tmp/sluice-demo', dir);
}
