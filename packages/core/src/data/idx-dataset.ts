import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { errors } from '../errors.js';
import { applyLimits, dataKind, limitOptions } from './data-kind.js';
import { type DataSplit, type Dataset, makeDataset } from './dataset.js';
import { readIdx } from './idx.js';

/** The four files of an MNIST-style IDX dataset (plain or `.gz`). */
export interface IdxFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/**
 * Reads IDX images (type ubyte, dimensions `n × rows × cols` or `n × d`) scaled to [0, 1] by `/ 255`.
 * @returns `x` as `n × d` row-major floats and the per-example `shape`
 */
export function readIdxImages(file: string): { x: Float32Array; n: number; shape: number[] } {
  const array = readIdx(file);
  if (array.type !== 'ubyte') throw errors.data(file, `IDX images must have type ubyte (0x08), found ${array.type}`);
  if (array.dims.length < 2) {
    throw errors.data(file, `IDX images need at least 2 dimensions (n × pixels), found [${array.dims.join(', ')}]`);
  }
  const [n, ...shape] = array.dims;
  const x = new Float32Array(array.data.length);
  for (let i = 0; i < x.length; i++) x[i] = array.data[i] / 255;
  return { x, n, shape };
}

/** Reads IDX labels (type ubyte, one dimension), each checked to lie in `[0, classes)`. */
export function readIdxLabels(file: string, classes: number): Int32Array {
  const array = readIdx(file);
  if (array.type !== 'ubyte') throw errors.data(file, `IDX labels must have type ubyte (0x08), found ${array.type}`);
  if (array.dims.length !== 1) {
    throw errors.data(file, `IDX labels must have 1 dimension, found [${array.dims.join(', ')}]`);
  }
  const labels = Int32Array.from(array.data);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      throw errors.data(file, `label ${labels[i]} at index ${i} is out of range [0, ${classes})`);
    }
  }
  return labels;
}

function readPair(name: string, imagesFile: string, labelsFile: string, classes: number): Dataset {
  const images = readIdxImages(imagesFile);
  const labels = readIdxLabels(labelsFile, classes);
  if (labels.length !== images.n) {
    throw errors.data(labelsFile, `has ${labels.length} labels but ${imagesFile} has ${images.n} images`);
  }
  const d = images.shape.reduce((a, b) => a * b, 1);
  if (d === 0) throw errors.data(imagesFile, `IDX images have no pixels: dimensions [${images.n}, ${images.shape}]`);
  return makeDataset({ name, x: images.x, y: labels, d, classes, shape: images.shape });
}

/**
 * Loads an MNIST-format dataset from four IDX files (LeCun et al., "THE MNIST DATABASE of handwritten
 * digits"), plain or gzip-compressed. Pixels are scaled to [0, 1]; labels must lie in `[0, classes)`;
 * train and test images must have the same shape. Relative paths resolve against `baseDir`.
 */
export function loadIdx(
  files: IdxFiles,
  options: { classes?: number; name?: string; baseDir?: string } = {},
): DataSplit {
  const classes = options.classes ?? 10;
  const name = options.name ?? 'idx';
  const at = (file: string) =>
    isAbsolute(file) || options.baseDir === undefined ? file : resolve(options.baseDir, file);
  const train = readPair(name, at(files.trainImages), at(files.trainLabels), classes);
  const test = readPair(name, at(files.testImages), at(files.testLabels), classes);
  if (train.d !== test.d || train.shape?.join('x') !== test.shape?.join('x')) {
    throw errors.data(
      at(files.testImages),
      `test images are ${test.shape?.join('×')} but training images are ${train.shape?.join('×')}`,
    );
  }
  return { train, test };
}

const file = z.string().min(1);

/** `idx`: four MNIST-format IDX files (plain or `.gz`), labels in [0, classes) (default 10, at most 256). */
export const idxData = dataKind({
  kind: 'idx',
  schema: z.strictObject({
    kind: z.literal('idx'),
    trainImages: file,
    trainLabels: file,
    testImages: file,
    testLabels: file,
    classes: z.number().int().min(2).max(256).default(10),
    ...limitOptions,
  }),
  load: (o, { rng, baseDir }) => applyLimits(loadIdx(o, { classes: o.classes, baseDir }), o, rng),
});
