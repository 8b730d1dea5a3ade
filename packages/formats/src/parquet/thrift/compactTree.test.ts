import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readThriftStruct, writeThriftStruct } from './compactTree.ts';

function parquetFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? parquetFiles(path) : name.endsWith('.parquet') ? [path] : [];
  });
}

describe('the Thrift compact tree', () => {
  it('writes back every footer of the Spark and delta-rs fixtures byte for byte', () => {
    const files = parquetFiles('/work/shared/fixtures/delta');
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const bytes = readFileSync(file);
      const length = bytes.readUInt32LE(bytes.length - 8);
      const footer = new Uint8Array(bytes.subarray(bytes.length - 8 - length, bytes.length - 8));
      const { struct, end } = readThriftStruct(footer);
      expect(end).toBe(footer.length);
      expect(Buffer.from(writeThriftStruct(struct)).equals(Buffer.from(footer))).toBe(true);
    }
  });
});
