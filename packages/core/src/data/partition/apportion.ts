/**
 * Splits `total` items into integer counts proportional to `weights` by the largest-remainder
 * (Hamilton) method: floor of each exact share, then one more to the largest fractional parts (ties
 * to the lower index). Counts sum to `total` and each is within 1 of its exact share.
 * @param weights non-negative, not all zero
 */
export function apportion(weights: ArrayLike<number>, total: number): Int32Array {
  const k = weights.length;
  let sum = 0;
  for (let i = 0; i < k; i++) sum += weights[i];
  const counts = new Int32Array(k);
  const remainders = new Float64Array(k);
  let given = 0;
  for (let i = 0; i < k; i++) {
    const exact = (weights[i] / sum) * total;
    counts[i] = Math.floor(exact);
    remainders[i] = exact - counts[i];
    given += counts[i];
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => remainders[b] - remainders[a] || a - b);
  for (let r = 0; r < total - given; r++) counts[order[r % k]]++;
  return counts;
}

/**
 * The index of the largest count, ties to the lower index: the donor when a client must be topped up.
 */
export function largest(counts: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i] > counts[best]) best = i;
  return best;
}

/**
 * Raises every count to at least `min` by moving one unit at a time from the currently largest count
 * (ties to the lower index) to the lowest-indexed count below `min`. Needs `Σ counts ≥ min · k`.
 */
export function raiseToMinimum(counts: Int32Array, min: number): Int32Array {
  for (let i = 0; i < counts.length; i++) {
    while (counts[i] < min) {
      counts[largest(counts)]--;
      counts[i]++;
    }
  }
  return counts;
}
