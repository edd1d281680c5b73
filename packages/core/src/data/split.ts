import type { Rng } from '../rng/rng.js';

/**
 * A seeded stratified train/test split of a labelled set: within each class, the examples are put in a
 * seeded random order and the first `round(n_c · testFraction)` go to the test set, the rest to
 * training. Both outputs are then shuffled (seeded), so neither is grouped by class.
 *
 * Every index in `[0, labels.length)` lands in exactly one of `train` and `test`; class proportions in
 * each part match the whole up to rounding (one example per class).
 * @param labels class labels in `[0, classes)`
 * @param testFraction in (0, 1)
 */
export function stratifiedSplit(
  labels: Int32Array,
  classes: number,
  testFraction: number,
  rng: Rng,
): { train: Int32Array; test: Int32Array } {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < classes; c++) {
    const members = rng.fork('class', c).shuffle(byClass[c]);
    const nTest = Math.round(members.length * testFraction);
    for (let k = 0; k < members.length; k++) (k < nTest ? test : train).push(members[k]);
  }
  return {
    train: rng.fork('order', 0).shuffle(Int32Array.from(train)),
    test: rng.fork('order', 1).shuffle(Int32Array.from(test)),
  };
}
