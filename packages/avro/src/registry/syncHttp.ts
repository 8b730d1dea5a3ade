import { Worker } from 'node:worker_threads';

/** An HTTP answer: status and body text. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/**
 * The worker: runs `fetch` for the main thread and hands the answer back through shared memory.
 * Plain JS (workers are not transformed by tsx or vitest).
 */
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ request, control, data }) => {
  const flag = new Int32Array(control);
  let answer;
  try {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(request.timeoutMs) });
    answer = { status: response.status, body: await response.text() };
  } catch (error) {
    answer = { status: 0, body: String(error && error.message || error) };
  }
  const bytes = Buffer.from(JSON.stringify(answer));
  const view = new Uint8Array(data);
  if (bytes.length > view.length) {
    flag[1] = bytes.length;
    Atomics.store(flag, 0, 2);
  } else {
    view.set(bytes);
    flag[1] = bytes.length;
    Atomics.store(flag, 0, 1);
  }
  Atomics.notify(flag, 0);
});
`;

let worker: Worker | undefined;
let idle: NodeJS.Timeout | undefined;

/**
 * An HTTP request answered synchronously: a worker thread does the `fetch` while this thread
 * waits on shared memory. For look-ups a column function must make inside a batch (a schema
 * registry asked for a schema id it has not seen) — rare, each answer is cached by the caller.
 * The worker is unref'd and ends after 5 s without requests, so it never keeps a process alive.
 */
export function httpSync(request: HttpRequest): HttpAnswer {
  worker ??= new Worker(WORKER, { eval: true });
  worker.unref();
  if (idle) clearTimeout(idle);
  let size = 64 * 1024;
  for (;;) {
    const control = new SharedArrayBuffer(8);
    const data = new SharedArrayBuffer(size);
    const flag = new Int32Array(control);
    worker.postMessage({ request, control, data });
    const outcome = Atomics.wait(flag, 0, 0, request.timeoutMs + 1_000);
    if (outcome === 'timed-out') return { status: 0, body: `no answer from ${new URL(request.url).origin} within ${request.timeoutMs} ms` };
    if (Atomics.load(flag, 0) === 2) {
      size = flag[1]! + 1024;
      continue;
    }
    const answer = JSON.parse(Buffer.from(new Uint8Array(data, 0, flag[1]!)).toString('utf8')) as HttpAnswer;
    idle = setTimeout(stopWorker, 5_000);
    idle.unref();
    return answer;
  }
}

function stopWorker(): void {
  const ending = worker;
  worker = undefined;
  void ending?.terminate();
}
