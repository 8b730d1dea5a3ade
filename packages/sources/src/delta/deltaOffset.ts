import { SluiceError } from '@sluice/core';

/**
 * Spark's Delta source offset (v1): the position after file `index` of version
 * `reservoirVersion`; `index` -1 is before its first file. With `isStartingVersion` the files are
 * those of the table's snapshot at that version (the initial read); without, those the commit
 * of that version added.
 */
export type DeltaSourceOffset = {
  readonly sourceVersion: 1;
  readonly reservoirId: string;
  readonly reservoirVersion: number;
  readonly index: number;
  readonly isStartingVersion: boolean;
};

export function deltaOffset(reservoirId: string, reservoirVersion: number, index: number, isStartingVersion: boolean): DeltaSourceOffset {
  return { sourceVersion: 1, reservoirId, reservoirVersion, index, isStartingVersion };
}

/** An offset read back from the checkpoint, checked; a foreign one is `CHECKPOINT_CORRUPT`. */
export function toDeltaOffset(value: unknown, tableId: string, where: string): DeltaSourceOffset {
  const o = value as Partial<DeltaSourceOffset> | null;
  if (
    typeof o !== 'object' || o === null || o.sourceVersion !== 1 || typeof o.reservoirId !== 'string' || !Number.isSafeInteger(o.reservoirVersion)
    || !Number.isSafeInteger(o.index) || (o.index ?? -2) < -1 || typeof o.isStartingVersion !== 'boolean'
  ) {
    throw new SluiceError('CHECKPOINT_CORRUPT', `A delta source offset must look like {"sourceVersion":1,"reservoirId":…,"reservoirVersion":N,"index":I,"isStartingVersion":…}; the checkpoint holds ${JSON.stringify(value)}.`, {
      details: { offset: value as never },
    });
  }
  if (o.reservoirId !== tableId) {
    throw new SluiceError('DELTA_SOURCE_TABLE_CHANGED', `The Delta table at ${where} is not the table this query was reading: its id is ${tableId}, the checkpoint's is ${o.reservoirId} (the table was deleted and created again). Restart the query with a new checkpoint location.`, {
      details: { table: where, expected: o.reservoirId, actual: tableId },
    });
  }
  return o as DeltaSourceOffset;
}

/** Ordering of positions: a snapshot at version v comes before the commit of version v + 1. */
export function comparePositions(a: Pick<DeltaSourceOffset, 'reservoirVersion' | 'index' | 'isStartingVersion'>, b: Pick<DeltaSourceOffset, 'reservoirVersion' | 'index' | 'isStartingVersion'>): number {
  return a.reservoirVersion - b.reservoirVersion || Number(!a.isStartingVersion) - Number(!b.isStartingVersion) || a.index - b.index;
}
