import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '@sluice/core';
import { isSluiceError, memoryCheckpoint, QueryManager, silentLogger } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import { faultyFileSystem } from './faultyFileSystem.ts';
import { faultySource } from './faultySource.ts';

const manager = new QueryManager({ logger: silentLogger });

describe('fault injection', () => {
  for (const [operation, code] of [['fsync', 'EIO'], ['write', 'ENOSPC'], ['open', 'EIO'], ['fsync', 'ENOSPC']] as const) {
    it(`a checkpoint ${operation} failing with ${code} fails the query cleanly; healed, a restart delivers every row once`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sluice-faulty-'));
      const fs = faultyFileSystem([{ operation, path: 'offsets/1', code }]);
      const input = memoryStream('n INT');
      const table = `faulty_${operation}_${code}`;
      const start = () => input.toFrame().writeStream().sink(memorySink()).queryName(table).option('checkpointLocation', new FileCheckpointStore(dir, fs)).manager(manager).start();
      const q = await start();
      input.addData([{ n: 1 }]);
      await q.processAllAvailable();
      input.addData([{ n: 2 }]);
      const error = await q.awaitTermination().catch((e: unknown) => e);
      expect(isSluiceError(error, 'CHECKPOINT_IO')).toBe(true);
      expect((error as Error).message).toContain(`offsets/1 in checkpoint`);
      expect((error as Error).message).toContain(code);
      expect(fs.failures).toHaveLength(1);
      // Whole or nothing: a failed write of offsets/1 (created in place) leaves no offsets/1 at all, and no temp files.
      expect(await readdir(join(dir, 'offsets'))).toEqual(['0']);
      fs.heal();
      const again = await start();
      input.addData([{ n: 3 }]);
      await again.processAllAvailable();
      await again.stop();
      expect(memoryTableRows(table).map((r) => r['n'])).toEqual([1, 2, 3]);
    });
  }

  it('a source that fails to read a range fails the query with SOURCE_FAILED; a restart reads the range again', async () => {
    const input = memoryStream('n INT');
    const provider = faultySource(input.toFrame().sources[0]!, { when: (start) => start === 0 });
    const { StreamFrame } = await import('@sluice/core');
    const checkpoint = memoryCheckpoint();
    const start = () => StreamFrame.fromSource(provider).writeStream().sink(memorySink()).queryName('faulty_source').option('checkpointLocation', checkpoint).manager(manager).start();
    const q = await start();
    input.addData([{ n: 1 }]);
    await q.processAllAvailable();
    input.addData([{ n: 2 }]);
    const error = await q.awaitTermination().catch((e: unknown) => e);
    expect(isSluiceError(error, 'SOURCE_FAILED')).toBe(true);
    expect((error as Error).message).toContain('simulated read failure of (0, 1]');
    const again = await start();
    await again.processAllAvailable();
    await again.stop();
    expect(memoryTableRows('faulty_source').map((r) => r['n'])).toEqual([1, 2]);
  });
});
