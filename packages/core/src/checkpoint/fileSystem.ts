import * as nodeFs from 'node:fs/promises';

/**
 * The file operations the checkpoint needs. It is an interface so that fault-injection tests
 * can fail a chosen write, rename or fsync (EIO, ENOSPC) and prove the checkpoint stays whole.
 */
export type FileSystem = Pick<typeof nodeFs, 'open' | 'link' | 'rename' | 'unlink' | 'readFile' | 'readdir' | 'mkdir' | 'rm' | 'stat'>;

export const nodeFileSystem: FileSystem = nodeFs;
