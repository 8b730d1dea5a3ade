import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import { corrupt } from '../checkpoint/logEntries.ts';
import type { JsonValue } from '../types.ts';

/**
 * Versioned state of the stateful operators, in the checkpoint as Spark lays it out:
 * `state/<operatorId>/0/<version>.snapshot`, where version N+1 is the state after batch N. A
 * replayed batch N reads version N — the state it saw the first time — so its output is the same.
 * Each version is a whole snapshot, written whole-or-nothing.
 */
export class StateStore {
  private readonly cache = new Map<number, { version: number; state: JsonValue }>();

  constructor(private readonly store: CheckpointStore) {}

  /** The operator's state as of `version`, or undefined before its first batch. */
  async load(operatorId: number, version: number): Promise<JsonValue | undefined> {
    const cached = this.cache.get(operatorId);
    if (cached?.version === version) return cached.state;
    if (version === 0) return undefined;
    const path = this.path(operatorId, version);
    const text = await this.store.read(path);
    if (text === undefined) {
      // No version: either the operator is new to this checkpoint, or the file is gone — a
      // replay would then compute from nothing, so a missing version after batch 0 is an error.
      const versions = await this.store.list(`state/${operatorId}/0`);
      if (versions.length === 0) return undefined;
      throw corrupt(`${this.store.location}/${path}`, `the state after batch ${version - 1} is missing (found ${versions.sort().slice(-3).join(', ')})`);
    }
    const newline = text.indexOf('\n');
    try {
      const state = JSON.parse(text.slice(newline + 1)) as JsonValue;
      this.cache.set(operatorId, { version, state });
      return state;
    } catch {
      throw corrupt(`${this.store.location}/${path}`, 'its content is not valid JSON');
    }
  }

  /** Save the operator's state after batch `version - 1` (a replay overwrites its own earlier try). */
  async save(operatorId: number, version: number, state: JsonValue): Promise<void> {
    await this.store.write(this.path(operatorId, version), `v1\n${JSON.stringify(state)}`, { ifAbsent: false });
    this.cache.set(operatorId, { version, state });
  }

  /** Delete versions older than `beforeVersion` (minBatchesToRetain). */
  async purge(operatorId: number, beforeVersion: number): Promise<void> {
    for (const name of await this.store.list(`state/${operatorId}/0`)) {
      const version = Number(name.replace(/\.snapshot$/, ''));
      if (Number.isInteger(version) && version < beforeVersion) await this.store.delete(`state/${operatorId}/0/${name}`);
    }
  }

  private path(operatorId: number, version: number): string {
    return `state/${operatorId}/0/${version}.snapshot`;
  }
}
