/**
 * Smallest and largest of a mapped list, in a loop: `Math.min(...list)` throws a RangeError past
 * ~100k arguments, and a hostile page can hold that many words in one line.
 */
export function minOf<T>(items: readonly T[], value: (item: T) => number): number {
  let min = Infinity;
  for (const item of items) min = Math.min(min, value(item));
  return min;
}

export function maxOf<T>(items: readonly T[], value: (item: T) => number): number {
  let max = -Infinity;
  for (const item of items) max = Math.max(max, value(item));
  return max;
}
