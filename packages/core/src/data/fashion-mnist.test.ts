import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, hasFashionMnist, loadFashionMnist } from './fashion-mnist.js';

const installed = hasFashionMnist();
if (!installed) {
  console.warn(
    `fashion-mnist is not installed in ${FASHION_MNIST_DIR}: skipping its load test (apt-get install dataset-fashion-mnist)`,
  );
}

describe('fashion-mnist', () => {
  it('fails with how to install it when the files are absent', () => {
    const empty = mkdtempSync(join(tmpdir(), 'starling-fmnist-'));
    try {
      expect(() => loadFashionMnist(empty)).toThrow(
        /train-images-idx3-ubyte.gz: does not exist.*apt-get install dataset-fashion-mnist.*kind: idx/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it.skipIf(!installed)('loads 60,000 training and 10,000 test images of 10 balanced classes', () => {
    const { train, test } = loadFashionMnist();
    expect([train.n, train.d, test.n, test.d, train.classes]).toEqual([60_000, 784, 10_000, 784, 10]);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < train.n; i++) counts[train.y[i]]++;
    expect(counts).toEqual(new Array(10).fill(6000));
    let min = 1;
    let max = 0;
    for (let i = 0; i < train.x.length; i += 7) {
      min = Math.min(min, train.x[i]);
      max = Math.max(max, train.x[i]);
    }
    expect([min, max]).toEqual([0, 1]);
  });
});
