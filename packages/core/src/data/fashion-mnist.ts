import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { errors } from '../errors.js';
import { applyLimits, dataKind, limitOptions } from './data-kind.js';
import type { DataSplit } from './dataset.js';
import { type IdxFiles, loadIdx } from './idx-dataset.js';

/** Where Debian's and Ubuntu's `dataset-fashion-mnist` package installs the four IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The file names (without `.gz`) used by Zalando's release and by the Debian package. */
const FILES: IdxFiles = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/**
 * The four Fashion-MNIST files in `dir` (the `.gz` name when present, else the plain one), or a `data`
 * error that says how to install them when any is missing.
 */
export function fashionMnistFiles(dir = FASHION_MNIST_DIR): IdxFiles {
  const pick = (base: string): string => {
    const gz = join(dir, `${base}.gz`);
    if (existsSync(gz)) return gz;
    const plain = join(dir, base);
    if (existsSync(plain)) return plain;
    throw errors.data(
      gz,
      'does not exist. Install Fashion-MNIST with `sudo apt-get install dataset-fashion-mnist` ' +
        `(Debian/Ubuntu; it installs into ${FASHION_MNIST_DIR}), or use ` +
        'data: { kind: idx, trainImages, trainLabels, testImages, testLabels } with explicit paths',
    );
  };
  return {
    trainImages: pick(FILES.trainImages),
    trainLabels: pick(FILES.trainLabels),
    testImages: pick(FILES.testImages),
    testLabels: pick(FILES.testLabels),
  };
}

/** True when all four Fashion-MNIST files are present in `dir`. */
export function hasFashionMnist(dir = FASHION_MNIST_DIR): boolean {
  try {
    fashionMnistFiles(dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 60,000 training and 10,000 test 28 × 28 grayscale
 * images of 10 clothing classes in the IDX format, pixels scaled to [0, 1].
 */
export function loadFashionMnist(dir = FASHION_MNIST_DIR): DataSplit {
  return loadIdx(fashionMnistFiles(dir), { name: 'fashion-mnist', classes: 10 });
}

/** `fashion-mnist`: the IDX files in `dir` (default Debian's `dataset-fashion-mnist` folder). */
export const fashionMnistData = dataKind({
  kind: 'fashion-mnist',
  schema: z.strictObject({
    kind: z.literal('fashion-mnist'),
    dir: z.string().min(1).default(FASHION_MNIST_DIR),
    ...limitOptions,
  }),
  load: (o, { rng }) => applyLimits(loadFashionMnist(o.dir), o, rng),
});
