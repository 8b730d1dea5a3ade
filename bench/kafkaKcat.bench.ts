/**
 * Sluice's Kafka connectors against librdkafka's own client, `kcat` (Debian's, librdkafka 2.0),
 * on the same local broker in the same run, runs alternating:
 *  1. read: an availableNow kafka → noop query vs `kcat -C -e` (output to /dev/null), both
 *     reading the whole topic, for 8 and 48 partitions, uncompressed and LZ4 (written by kcat);
 *  2. the cost of each codec: Sluice reading gzip/snappy/lz4/zstd topics ÷ the uncompressed one;
 *  3. write: the Kafka sink's addBatch vs `kcat -P` sending the same records (acks=all).
 * Reads are timed from the first records to the last (kcat: its first and last output; Sluice:
 * the end of its first 60,000-record batch to its last), so start-up, connecting and metadata
 * are left out of both; writes from the first send to the last acknowledgement (kcat: its run
 * minus a run writing one record). The mock broker shares the two cores with both clients:
 * read the ratios, and the load printed with them. `KAFKA_BENCH_PARTS=write` (or `read`)
 * runs only that part; `KAFKA_BENCH_ROUNDS` sets the rounds (default 5).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { asyncScheduler } from 'rxjs';
import { availableNow, memoryCheckpoint, QueryManager, silentLogger, toSchema, type BatchContext } from '@sluice/core';
import { tableFromColumns } from '@sluice/core/connector';
import { kafkaSource } from '@sluice/sources';
import { kafkaSink, noopSink } from '@sluice/sinks';
import { kcatProduce, requireKcat, startKafkaBroker, uniqueTopicName, type KafkaTestBroker, type KcatCompression } from '@sluice/testing';
import { median, type Bench } from './lib/bench.ts';

const RECORDS = 480_000; // the mock keeps ≤ 100 k messages / ~5 MiB per partition
const ROUNDS = Number(process.env.KAFKA_BENCH_ROUNDS ?? 5);
const WRITE_RECORDS = 200_000;
const PARTS = new Set((process.env.KAFKA_BENCH_PARTS ?? 'read,write').split(','));

const value = (i: number) => `{"id":${i},"kind":"${['click', 'view', 'buy'][i % 3]}","user":"u${(i * 31) % 977}"}`;

export const bench: Bench = {
  name: 'kafka vs kcat (librdkafka): read 8/48 partitions uncompressed and lz4, codec cost, write',
  async run({ report, progress }) {
    await requireKcat();
    const broker = await startKafkaBroker();
    const manager = new QueryManager({ logger: silentLogger });
    const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
    try {
      if (PARTS.has('read')) await readPart(broker, manager, report, progress, load);
      if (PARTS.has('write')) await writePart(broker, report, progress, load);
      progress(`done (load ${load()})`);
    } finally {
      await Promise.all(manager.active.map((q) => q.stop()));
      await broker.stop();
    }
  },
};

type Report = Parameters<Bench['run']>[0]['report'];
type Progress = Parameters<Bench['run']>[0]['progress'];

async function readPart(broker: KafkaTestBroker, manager: QueryManager, report: Report, progress: Progress, load: () => string): Promise<void> {
  const topics = new Map<string, string>();
  const shapes: [number, KcatCompression][] = [[8, 'none'], [8, 'lz4'], [48, 'none'], [48, 'lz4'], [8, 'gzip'], [8, 'snappy'], [8, 'zstd']];
  for (const [partitions, compression] of shapes) {
    progress(`writing ${RECORDS.toLocaleString()} records to ${partitions} partitions with kcat -z ${compression}`);
    topics.set(`${partitions}/${compression}`, await filledTopic(broker, partitions, compression));
  }
  const rates = new Map<string, { sluice: number[]; kcat: number[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [partitions, compression] of shapes) {
      const shape = `${partitions}/${compression}`;
      const topic = topics.get(shape)!;
      const r = rates.get(shape) ?? { sluice: [], kcat: [] };
      rates.set(shape, r);
      const withKcat = compression === 'none' || compression === 'lz4';
      progress(`round ${round + 1}/${ROUNDS}, ${shape}: ${withKcat ? 'kcat -C, then ' : ''}Sluice (load ${load()})`);
      if (withKcat) r.kcat.push(await kcatRead(broker, topic));
      r.sluice.push(await sluiceRead(manager, broker, topic));
    }
  }
  for (const [partitions, compression] of shapes.filter(([, c]) => c === 'none' || c === 'lz4')) {
    const r = rates.get(`${partitions}/${compression}`)!;
    report({
      name: `read ${partitions} partitions, ${compression === 'none' ? 'uncompressed' : compression}`, unit: 'records/s', value: median(r.sluice),
      baseline: { name: 'kcat -C', value: median(r.kcat) }, better: 'higher', target: '≥ 1.0×',
    });
  }
  const plain = median(rates.get('8/none')!.sluice);
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    report({
      name: `read 8 partitions, ${compression} vs uncompressed`, unit: 'records/s', value: median(rates.get(`8/${compression}`)!.sluice),
      baseline: { name: 'Sluice uncompressed', value: plain }, better: 'higher', target: '≥ 0.8× (≤ 20 % cost)',
    });
  }

}

async function writePart(broker: KafkaTestBroker, report: Report, progress: Progress, load: () => string): Promise<void> {
  const write = { sluice16k: [] as number[], sluice1m: [] as number[], kcat: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    progress(`write round ${round + 1}/${ROUNDS}: kcat -P, Sluice's sink (load ${load()})`);
    write.kcat.push(WRITE_RECORDS / ((await kcatWrite(broker, WRITE_RECORDS)) - (await kcatWrite(broker, 1))) * 1000);
    write.sluice16k.push(WRITE_RECORDS / (await sinkWrite(broker, WRITE_RECORDS, 16_384)) * 1000);
    write.sluice1m.push(WRITE_RECORDS / (await sinkWrite(broker, WRITE_RECORDS, 1_000_000)) * 1000);
  }
  report({ name: 'write 8 partitions, batch.size 16 KiB (Java default)', unit: 'records/s', value: median(write.sluice16k), baseline: { name: 'kcat -P (librdkafka defaults)', value: median(write.kcat) }, better: 'higher' });
  report({ name: 'write 8 partitions, batch.size 1 MB (librdkafka default)', unit: 'records/s', value: median(write.sluice1m), baseline: { name: 'kcat -P (librdkafka defaults)', value: median(write.kcat) }, better: 'higher' });
}

async function filledTopic(broker: KafkaTestBroker, partitions: number, compression: KcatCompression): Promise<string> {
  const topic = uniqueTopicName(`kcat-${partitions}-${compression}`);
  await broker.createTopic(topic, partitions);
  const perPartition = RECORDS / partitions;
  for (let p = 0; p < partitions; p++) {
    const records = Array.from({ length: perPartition }, (_, i) => ({ key: Buffer.from(`k${i % 1000}`), value: Buffer.from(value(p * perPartition + i)) }));
    await kcatProduce(broker.bootstrapServers, topic, p, records, { compression });
  }
  return topic;
}

/** records/s of `kcat -C` reading a topic to its end, from its first output to its last (the output is counted, then dropped). */
async function kcatRead(broker: KafkaTestBroker, topic: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-C', '-b', broker.bootstrapServers, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let first = 0;
    let last = 0;
    let lines = 0;
    let firstLines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      let n = 0;
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) n++;
      if (first === 0) {
        first = performance.now();
        firstLines = n;
      }
      lines += n;
      last = performance.now();
    });
    child.once('exit', (code) => (code === 0 ? resolve(((lines - firstLines) / (last - first)) * 1000) : reject(new Error(`kcat -C exited with ${code}`))));
  });
}

/** records/s of a kafka → noop query reading a topic to its end (availableNow, 60,000-record batches), from the end of its first batch to its last. */
async function sluiceRead(manager: QueryManager, broker: KafkaTestBroker, topic: string): Promise<number> {
  const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 60_000, 'kafka.fetch.max.wait.ms': '10' })
    .writeTo(noopSink(), { checkpointLocation: memoryCheckpoint(), trigger: availableNow(), manager });
  let first = 0;
  let firstRows = 0;
  let rows = 0;
  let last = 0;
  const sub = query.progress$.subscribe((p) => {
    if (p.numInputRows === 0) return;
    if (first === 0) {
      first = performance.now();
      firstRows = p.numInputRows;
    }
    rows += p.numInputRows;
    last = performance.now();
  });
  await query.awaitTermination();
  sub.unsubscribe();
  await query.stop();
  return ((rows - firstRows) / (last - first)) * 1000;
}

/** ms for `kcat -P` to send `count` keyed records to an 8-partition topic (acks=all). */
async function kcatWrite(broker: KafkaTestBroker, count: number): Promise<number> {
  const topic = uniqueTopicName('kcat-write');
  await broker.createTopic(topic, 8);
  const input = Buffer.from(Array.from({ length: count }, (_, i) => `k${i % 1000}\t${value(i)}\n`).join(''));
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('kcat', ['-P', '-b', broker.bootstrapServers, '-t', topic, '-K', '\t', '-X', 'acks=all'], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat -P exited with ${code}`))));
    child.stdin.end(input);
  });
  return performance.now() - started;
}

/** ms for the Kafka sink's addBatch of `count` keyed records to an 8-partition topic (acks=all), warmed up first. */
async function sinkWrite(broker: KafkaTestBroker, count: number, batchSize: number): Promise<number> {
  const topic = uniqueTopicName('sink-write');
  await broker.createTopic(topic, 8);
  const context = { queryId: 'bench', runId: 'bench', queryName: null, outputMode: 'append' as const, scheduler: asyncScheduler, log: silentLogger };
  const batch = (batchId: number): BatchContext => ({ ...context, batchId, batchTimestampMs: 0, watermarkMs: 0, signal: new AbortController().signal, fault: async () => {} });
  const sink = await kafkaSink({ 'kafka.bootstrap.servers': broker.bootstrapServers, topic, 'kafka.batch.size': String(batchSize) }).open(context);
  const schema = toSchema('key STRING, value STRING');
  const table = tableFromColumns(schema, { key: Array.from({ length: count }, (_, i) => `k${i % 1000}`), value: Array.from({ length: count }, (_, i) => value(i)) });
  try {
    await sink.addBatch(0, tableFromColumns(schema, { key: ['warm'], value: ['up'] }), batch(0));
    const started = performance.now();
    await sink.addBatch(1, table, batch(1));
    return performance.now() - started;
  } finally {
    await sink.close();
  }
}
