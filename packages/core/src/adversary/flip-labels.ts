import { errors } from '../errors.js';
import type { TrainingData } from '../train/batch.js';

/**
 * `data` with every class label y replaced by C − 1 − y (C = `data.classes`): the `label_flip` data
 * poisoning of Byzantine nodes (the examples are shared, the labels are a new array). Classification only.
 */
export function flipLabels(data: TrainingData): TrainingData {
  if (data.classes < 2 || !(data.y instanceof Int32Array)) {
    throw errors.option('adversary.attack.kind', 'label_flip on a classification data set', 'regression targets');
  }
  const c = data.classes;
  const y = new Int32Array(data.y.length);
  for (let i = 0; i < y.length; i++) y[i] = c - 1 - data.y[i];
  return { ...data, y };
}
