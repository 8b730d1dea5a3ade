/**
 * Contiguous ranges of `sizes` (row groups by rows, say), one per part, each near an equal share
 * of the total. Never an empty range; fewer ranges than `parts` when there are fewer items.
 */
export function splitEvenly(sizes: readonly number[], parts: number): number[][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const ranges: number[][] = [];
  let current: number[] = [];
  let taken = 0;
  sizes.forEach((size, i) => {
    const share = (total * (ranges.length + 1)) / parts;
    const rangesAfter = parts - ranges.length - 1;
    const left = sizes.length - i;
    // Close the range before this item when that lands nearer its share than taking the item,
    // or when each item left must start a range of its own.
    if (current.length > 0 && rangesAfter > 0 && (Math.abs(taken - share) <= Math.abs(taken + size - share) || left <= rangesAfter)) {
      ranges.push(current);
      current = [];
    }
    current.push(i);
    taken += size;
  });
  if (current.length > 0) ranges.push(current);
  return ranges;
}

/** Row boundaries cutting `rows` into `parts` slices, each a whole number of `rowGroupSize` rows where the slices are larger than that (so row groups stay full). */
export function sliceRows(rows: number, parts: number, rowGroupSize: number): [number, number][] {
  const unit = rowGroupSize < rows / parts ? rowGroupSize : 1;
  const units = Math.ceil(rows / unit);
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) {
    const start = Math.min(rows, Math.round((units * p) / parts) * unit);
    const end = Math.min(rows, Math.round((units * (p + 1)) / parts) * unit);
    if (end > start) out.push([start, end]);
  }
  return out;
}
