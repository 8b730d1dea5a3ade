import { SimulatedCrash, type CheckpointStore } from '@sluice/core';

/**
 * A checkpoint store that dies at its `crashAt`-th change (write or delete), as a process killed
 * there would: that change and every later call fail, and what was written before stays. Every
 * change is atomic (a file is written whole or not at all), so crashing at each change in turn
 * covers every instant a `kill -9` can hit. `changes` counts what a full run makes.
 */
export function crashingCheckpoint(store: CheckpointStore, crashAt = Number.POSITIVE_INFINITY): CheckpointStore & { readonly changes: number; readonly crashed: boolean } {
  let changes = 0;
  let crashed = false;
  const guard = <T>(mutating: boolean, work: () => Promise<T>): Promise<T> => {
    if (crashed) return Promise.reject(new SimulatedCrash('checkpoint (after an earlier crash)'));
    if (mutating && ++changes >= crashAt) {
      crashed = true;
      return Promise.reject(new SimulatedCrash(`checkpoint change ${changes}`));
    }
    return work();
  };
  return {
    get location() {
      return store.location;
    },
    get changes() {
      return changes;
    },
    get crashed() {
      return crashed;
    },
    read: (path) => guard(false, () => store.read(path)),
    readBytes: (path) => guard(false, () => store.readBytes(path)),
    size: (path) => guard(false, () => store.size(path)),
    list: (dir) => guard(false, () => store.list(dir)),
    write: (path, content, options) => guard(true, () => store.write(path, content, options)),
    delete: (path) => guard(true, () => store.delete(path)),
    lock: (owner) => store.lock(owner),
    destroy: () => store.destroy(),
  };
}
