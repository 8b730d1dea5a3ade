/**
 * `@sluice/core/state-provider`: what a state store provider package builds on — the state file
 * format Sluice writes deltas, snapshots and changelogs in, the version-file bookkeeping and
 * retention rule the in-memory provider uses, and latin1 key helpers. Operators never need it.
 *
 * @example
 * import { StateFileWriter, readStateFile } from '@sluice/core/state-provider';
 * const changelog = new StateFileWriter('changelog', version + 1);
 * changelog.put(0, key, value);
 * await checkpoint.write(`${dir}/${version + 1}.changelog`, changelog.finish(), { ifAbsent: true, atomic: false });
 */
export { DELETE, PUT, isOwnStateFile, readStateFile, StateFileWriter, STATE_FILE_FORMAT, unsupportedStateFile } from './files/stateFile.ts';
export type { StateFileKind, StateRecordVisitor } from './files/stateFile.ts';
export { checkAbandoned, filesToDelete, listVersionFiles, takenOver } from './memory/stateFiles.ts';
export type { VersionFiles } from './memory/stateFiles.ts';
export { afterPrefix, fromLatin1, toLatin1 } from './latin1.ts';
export { corrupt } from '../checkpoint/logEntries.ts';
