import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ensureLauncher } from './mockLauncher.ts';

/**
 * One running librdkafka mock cluster, driven through the launcher's line protocol: each
 * command written to its stdin is answered by exactly one line ("ok …" or "error …").
 */
export class MockBrokerProcess {
  private readonly pending: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  private exited: Error | undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly bootstrapServers: string,
    lines: AsyncIterableIterator<string>,
  ) {
    void (async () => {
      for await (const line of lines) this.pending.shift()?.resolve(line);
    })();
    child.once('exit', (code, signal) => {
      this.exited = new Error(`The Kafka mock broker exited (${signal ?? `code ${code}`}).`);
      for (const waiter of this.pending.splice(0)) waiter.reject(this.exited);
    });
  }

  static async start(brokers: number): Promise<MockBrokerProcess> {
    const binary = await ensureLauncher();
    const child = spawn(binary, [String(brokers)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const exitedEarly = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`The Kafka mock broker exited with code ${code} before it was ready: ${stderr.trim()}`)));
    });
    const first = await Promise.race([lines.next(), exitedEarly]);
    const ready = typeof first.value === 'string' ? /^ready (\S+)$/.exec(first.value) : null;
    if (!ready) {
      child.kill();
      throw new Error(`The Kafka mock broker did not start: ${String(first.value)} ${stderr.trim()}`);
    }
    exitedEarly.catch(() => {});
    return new MockBrokerProcess(child, ready[1]!, lines);
  }

  /** Send one command; resolves with the text after "ok", rejects with the text after "error". */
  async command(text: string): Promise<string> {
    if (this.exited) throw this.exited;
    const answer = new Promise<string>((resolve, reject) => this.pending.push({ resolve, reject }));
    this.child.stdin.write(`${text}\n`);
    const line = await answer;
    if (line === 'ok' || line.startsWith('ok ')) return line.slice(3);
    throw new Error(`Kafka mock broker: '${text}' failed: ${line.replace(/^error /, '')}`);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end('stop\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
