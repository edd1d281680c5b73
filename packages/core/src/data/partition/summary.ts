/** One client's row of a {@link PartitionSummary}. */
export interface ClientSummary {
  id: number;
  /** examples held */
  n: number;
  /** examples per class label (empty for regression data) */
  byLabel: number[];
}

/**
 * Per-client counts by label plus aggregate statistics of a partition, written as
 * `partition.json` with each run.
 */
export interface PartitionSummary {
  /** total examples over all clients */
  n: number;
  classes: number;
  clients: ClientSummary[];
  /** client sizes: smallest, largest, mean and standard deviation (population) */
  sizes: { min: number; max: number; mean: number; std: number };
  /** distinct labels per client (0s for regression data) */
  labelsPerClient: { min: number; max: number; mean: number };
  /**
   * Label skew: the mean over clients of the total-variation distance `½ Σ_k |p_c(k) − p(k)|` between
   * a client's label distribution and the overall one. 0 for a perfectly stratified split, near 1 when
   * every client holds one rare class. 0 for regression data.
   */
  labelSkew: number;
}

/**
 * Summarizes a partition (as returned by `partition`): per-client sizes and label counts.
 * @param classes number of classes; 0 for regression targets (then `byLabel` is empty)
 */
export function summarizePartition(
  parts: readonly Int32Array[],
  labels: Int32Array | Float32Array,
  classes: number,
): PartitionSummary {
  const clients = parts.map((idx, id) => {
    const byLabel = new Array<number>(classes).fill(0);
    if (classes > 0) for (let k = 0; k < idx.length; k++) byLabel[labels[idx[k]]]++;
    return { id, n: idx.length, byLabel };
  });
  const sizes = clients.map((c) => c.n);
  const n = sizes.reduce((a, b) => a + b, 0);
  const mean = n / Math.max(1, clients.length);
  const std = Math.sqrt(sizes.reduce((a, s) => a + (s - mean) ** 2, 0) / Math.max(1, clients.length));
  const overall = new Array<number>(classes).fill(0);
  for (const c of clients) for (let k = 0; k < classes; k++) overall[k] += c.byLabel[k];
  const distinct = clients.map((c) => c.byLabel.filter((v) => v > 0).length);
  let skew = 0;
  if (classes > 0) {
    for (const c of clients) {
      if (c.n === 0) continue;
      let tv = 0;
      for (let k = 0; k < classes; k++) tv += Math.abs(c.byLabel[k] / c.n - overall[k] / n);
      skew += tv / 2;
    }
    skew /= clients.length;
  }
  return {
    n,
    classes,
    clients,
    sizes: { min: minOf(sizes), max: maxOf(sizes), mean, std },
    labelsPerClient: {
      min: minOf(distinct),
      max: maxOf(distinct),
      mean: distinct.reduce((a, b) => a + b, 0) / Math.max(1, distinct.length),
    },
    labelSkew: skew,
  };
}

const minOf = (values: number[]) => values.reduce((a, b) => (b < a ? b : a), values.length > 0 ? values[0] : 0);
const maxOf = (values: number[]) => values.reduce((a, b) => (b > a ? b : a), values.length > 0 ? values[0] : 0);
