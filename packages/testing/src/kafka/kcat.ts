import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A record as kcat sees it: bytes (or null) for key and value, headers in order (a null value allowed). */
export interface KcatRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly (readonly [string, string | null])[];
  readonly partition: number;
  readonly offset: number;
}

/** The compression codecs kcat (librdkafka) writes with: `kcatProduce`'s `compression`. */
export type KcatCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

let checked: Promise<void> | undefined;

/**
 * Fails with the fix when `kcat` (Debian's package, librdkafka's command-line client) is missing.
 *
 * @example
 * beforeAll(() => requireKcat());
 */
export function requireKcat(): Promise<void> {
  checked ??= run('kcat', ['-V']).then(
    () => {},
    () => {
      throw new Error('kcat is not installed: run `bash scripts/setup.d/25-kcat.sh` (apt-get install kcat, as root).');
    },
  );
  return checked;
}

/** Between messages and between key and value on kcat's input: a byte sequence the tests' data never holds. */
const MESSAGE_DELIMITER = '\u0001\u0002\u0003MSG\u0003\u0002\u0001';
const KEY_DELIMITER = '\u0001\u0002\u0003KEY\u0003\u0002\u0001';

/**
 * Write records with kcat (`kcat -P`), librdkafka's producer, compressed with `compression`:
 * an independent writer for interop tests. All records of one call go to `partition` and carry
 * the same `headers` (`-H` applies to a whole run); a null key or value is sent as NULL (`-Z`).
 * Data must not contain the delimiter bytes `\x01\x02\x03`.
 *
 * @example
 * await kcatProduce(broker.bootstrapServers, 'orders', 0, [{ key: null, value: Buffer.from('{"id":1}') }], { compression: 'zstd' });
 */
export async function kcatProduce(
  bootstrapServers: string, topic: string, partition: number, records: readonly { readonly key: Buffer | null; readonly value: Buffer | null }[],
  options: { readonly compression?: KcatCompression; readonly headers?: readonly (readonly [string, string | null])[] } = {},
): Promise<void> {
  await requireKcat();
  const args = ['-P', '-b', bootstrapServers, '-t', topic, '-p', String(partition), '-z', options.compression ?? 'none', '-Z', '-D', MESSAGE_DELIMITER, '-K', KEY_DELIMITER, '-X', 'linger.ms=50'];
  for (const [key, value] of options.headers ?? []) args.push('-H', value === null ? key : `${key}=${value}`);
  const input = Buffer.concat(records.flatMap((r) => [r.key ?? Buffer.alloc(0), Buffer.from(KEY_DELIMITER), r.value ?? Buffer.alloc(0), Buffer.from(MESSAGE_DELIMITER)]));
  await feed('kcat', args, input);
}

/**
 * Everything in `topic` as kcat reads it (`kcat -C -e`, librdkafka's consumer): keys and values
 * byte for byte (read by their lengths, `%K`/`%S`), headers from kcat's JSON envelope (`-J`).
 *
 * @example
 * const records = await kcatConsume(broker.bootstrapServers, 'orders');
 * expect(records.map((r) => r.value?.toString())).toEqual(['{"id":1}']);
 */
export async function kcatConsume(bootstrapServers: string, topic: string): Promise<KcatRecord[]> {
  await requireKcat();
  const common = ['-C', '-b', bootstrapServers, '-t', topic, '-o', 'beginning', '-e', '-q'];
  const [raw, json] = await Promise.all([
    run('kcat', [...common, '-f', '%p %o %K %S\n%k%s\n'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }),
    run('kcat', [...common, '-J'], { maxBuffer: 256 * 1024 * 1024 }),
  ]);
  const headers = new Map<string, [string, string | null][]>();
  for (const line of json.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const envelope = JSON.parse(line) as { partition: number; offset: number; headers?: (string | null)[] };
    const pairs: [string, string | null][] = [];
    for (let i = 0; i < (envelope.headers?.length ?? 0); i += 2) pairs.push([envelope.headers![i]!, envelope.headers![i + 1] ?? null]);
    headers.set(`${envelope.partition}:${envelope.offset}`, pairs);
  }
  const records: KcatRecord[] = [];
  const out = raw.stdout as Buffer;
  for (let at = 0; at < out.length; ) {
    const newline = out.indexOf(0x0a, at);
    const [partition, offset, keyLength, valueLength] = out.toString('latin1', at, newline).split(' ').map(Number) as [number, number, number, number];
    at = newline + 1;
    const key = keyLength < 0 ? null : out.subarray(at, at + keyLength);
    at += Math.max(0, keyLength);
    const value = valueLength < 0 ? null : out.subarray(at, at + valueLength);
    at += Math.max(0, valueLength) + 1;
    records.push({ key, value, partition, offset, headers: headers.get(`${partition}:${offset}`) ?? [] });
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

function feed(command: string, args: readonly string[], input: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`))));
    child.stdin.end(input);
  });
}
