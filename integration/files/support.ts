/**
 * Support for the file pipeline tests: temp directories and landing files as well-behaved
 * writers do, shared with the file source's own tests.
 */
export { jsonLines, landFile, removeTempDirs, tempDir } from '../../packages/sources/src/file/testing/fixtures.ts';
