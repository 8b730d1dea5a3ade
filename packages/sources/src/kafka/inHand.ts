import type { PartitionOffsets } from './kafkaOffset.ts';

/**
 * The end of a default-trigger batch, cut back to the records the reader already holds.
 *
 * The broker's latest offsets run ahead of what the consumer has fetched: a batch planned on
 * them waits in `read` for the next fetch (on the mock broker a whole fetch wait, ~10 ms), and
 * the records that arrive meanwhile wait for the batch after. Planned on what is in hand, the
 * batch reads at once, and the rest comes with a later batch: the reader wakes the trigger when
 * it arrives. Exactly-once is untouched: the end is still written to the offset log before the
 * batch is read, and the next batch starts there.
 *
 * A partition the reader does not follow from `begin` (the first batch, a reader not answered yet
 * or positioned elsewhere) keeps the broker's offset: its read waits for the records.
 *
 * @param begin where each partition's batch starts
 * @param end the batch end planned on the broker's offsets
 * @param fetchedUntil how far the reader holds a partition's records from an offset, if it follows it from there
 */
export function inHandEnd(begin: PartitionOffsets, end: PartitionOffsets, fetchedUntil: (key: string, from: number) => number | undefined): PartitionOffsets {
  const cut: PartitionOffsets = new Map();
  for (const [k, offset] of end) {
    const from = begin.get(k);
    const held = from === undefined || offset <= from ? undefined : fetchedUntil(k, from);
    cut.set(k, held === undefined ? offset : Math.max(from!, Math.min(offset, held)));
  }
  return cut;
}

/** Whether `end` reads anything past `begin`. */
export function advances(begin: PartitionOffsets, end: PartitionOffsets): boolean {
  for (const [k, offset] of end) if (offset > (begin.get(k) ?? offset)) return true;
  return false;
}
