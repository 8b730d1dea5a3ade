/**
 * FileStreamSourceSuite's SeenFilesMap scenarios, against the file source's own map of admitted
 * files (`SeenFiles`): the maxFileAge purge, fileNameOnly keys, and when a file counts as too old.
 */
import { expect } from 'vitest';
import { SeenFiles } from '@sluice/sources/internal';
import { suite } from '../harness/scenario.ts';

const spark = suite('FileStreamSourceSuite');

spark.scenario('SeenFilesMap', () => {
  const map = new SeenFiles(10, false);
  map.add('a', 5);
  expect(map.size).toBe(1);
  map.purge();
  expect(map.size).toBe(1);
  // A gap of exactly 10 ms: nothing purged.
  map.add('b', 15);
  expect(map.size).toBe(2);
  map.purge();
  expect(map.size).toBe(2);
  // More than 10 ms after the first entry: it is purged.
  map.add('c', 16);
  expect(map.size).toBe(3);
  map.purge();
  expect(map.size).toBe(2);
  // Overriding an entry does not change the size.
  map.add('c', 25);
  expect(map.size).toBe(2);
  expect(map.isNew('c', 20)).toBe(false); // seen before
  expect(map.isNew('d', 5)).toBe(false); // too old
  expect(map.isNew('e', 20)).toBe(true);
});

spark.scenario('SeenFilesMap with fileNameOnly = true', () => {
  const map = new SeenFiles(10, true);
  map.add('file:///a/b/c/d', 5);
  map.add('file:///a/b/c/e', 5);
  expect(map.size).toBe(2);
  for (const path of ['d', 'file:///d', 'file:///x/d', 'file:///x/y/d']) expect(map.isNew(path, 5), path).toBe(false);
  map.add('s3:///bucket/d', 5);
  map.add('s3n:///bucket/d', 5);
  map.add('s3a:///bucket/d', 5);
  expect(map.size).toBe(2);
});

spark.scenario('SeenFilesMap should only consider a file old if it is earlier than last purge time', () => {
  const map = new SeenFiles(10, false);
  map.add('a', 20);
  expect(map.size).toBe(1);
  // No purge yet: nothing is old.
  expect(map.isNew('b', 9)).toBe(true);
  expect(map.isNew('b', 10)).toBe(true);
  // After the purge (threshold 10), b at 9 is old and b at 10 is not.
  map.purge();
  expect(map.isNew('b', 9)).toBe(false);
  expect(map.isNew('b', 10)).toBe(true);
});
