import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_POINTS, type FaultInjector, type FaultPhase, type FaultPoint } from '@sluice/core/connector';
import { QueryManager, silentLogger, tableToRows } from '@sluice/core';
import { readFiles } from '@sluice/formats';
import { fileSource } from '@sluice/sources';
import { fileSink } from '@sluice/sinks';
import { crashAt } from '@sluice/testing';
import { jsonLines, landFile, removeTempDirs, tempDir } from './support.ts';

const manager = new QueryManager({ logger: silentLogger });
afterAll(removeTempDirs);

const SINK_POINTS = ['file-written', 'files-written', 'manifest-written'] as const;
const crashes: [FaultPoint, FaultPhase][] = [
  ...FAULT_POINTS.flatMap((p) => (['before', 'after'] as const).map((ph) => [p, ph] as [FaultPoint, FaultPhase])),
  ...SINK_POINTS.map((p) => [`sink:${p}`, 'during'] as [FaultPoint, FaultPhase]),
];

describe('files → files exactly once through crashes', () => {
  for (const [point, phase] of crashes) {
    it(`killed ${phase} ${point}, restarted: every input row is in the output once`, async () => {
      const input = await tempDir();
      const output = await tempDir();
      const checkpoint = join(await tempDir(), 'ck');
      const start = (faults?: FaultInjector) => {
        const frame = fileSource({ format: 'json', path: input, schema: 'id LONG, day STRING', maxFilesPerTrigger: 2, fileSettleTime: 0 });
        const writer = frame.writeStream().sink(fileSink({ format: 'parquet', path: output, partitionBy: ['day'] })).option('checkpointLocation', checkpoint).manager(manager);
        return (faults ? writer.faults(faults) : writer).start();
      };
      let next = 0;
      const land = async (files: number) => {
        for (let f = 0; f < files; f++) {
          const rows = Array.from({ length: 3 }, (_, i) => ({ id: next * 3 + i, day: `d${(next + i) % 2}` }));
          await landFile(input, `in-${String(next).padStart(3, '0')}.json`, jsonLines(rows), 1_000_000 + next * 1000);
          next++;
        }
      };

      await land(2);
      const first = await start();
      await first.processAllAvailable();
      await first.stop();

      await land(3);
      // Batch 1 is the one that dies; initialization and the sink's own points have no batch to match.
      const injector = crashAt(point, phase, point === 'initialize' || point.startsWith('sink:') ? {} : { batchId: 1 });
      if (point === 'initialize') {
        await expect(start(injector)).rejects.toThrow(/Simulated crash/);
      } else {
        const crashing = await start(injector);
        await expect(crashing.awaitTermination()).rejects.toThrow(/Simulated crash/);
      }
      expect(injector.fired).toBe(true);

      const restarted = await start();
      await land(1);
      await restarted.processAllAvailable();
      await restarted.stop();
      const ids = tableToRows(await readFiles(output, { format: 'parquet' })).map((r) => Number(r['id'])).sort((a, b) => a - b);
      expect(ids).toEqual(Array.from({ length: next * 3 }, (_, i) => i));
    });
  }
});
