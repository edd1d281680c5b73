import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { StarlingError } from '../errors.js';
import { Rng } from '../rng/rng.js';
import type { DataSpec } from './data-spec.js';
import { encodeIdx } from './idx-write.js';
import { loadData } from './load-data.js';

const dir = mkdtempSync(join(tmpdir(), 'starling-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'img.gz'), gzipSync(encodeIdx({ type: 'ubyte', dims: [20, 2, 2], data: new Uint8Array(80) })));
writeFileSync(
  join(dir, 'lab'),
  encodeIdx({ type: 'ubyte', dims: [20], data: Uint8Array.from({ length: 20 }, (_, i) => i % 4) }),
);
const idxSpec = {
  kind: 'idx',
  trainImages: 'img.gz',
  trainLabels: 'lab',
  testImages: 'img.gz',
  testLabels: 'lab',
} as const;

const configError = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StarlingError);
    return e as StarlingError;
  }
  throw new Error('expected an error');
};

describe('loadData', () => {
  it('loads bundled MNIST with a custom test fraction and limits', () => {
    const { train, test } = loadData({ kind: 'mnist', testFraction: 0.5, testLimit: 300 }, Rng.fromSeed(1));
    // Per class round(n_c / 2) go to test; five odd class sizes round up, so 5,002 test and 4,998 train.
    expect([train.n, test.n, train.classes]).toEqual([4998, 300, 10]);
  });

  it('loads idx files relative to baseDir, with classes and a seeded limit', () => {
    const a = loadData({ ...idxSpec, classes: 4, limit: 5 }, Rng.fromSeed(1), { baseDir: dir });
    const b = loadData({ ...idxSpec, classes: 4, limit: 5 }, Rng.fromSeed(1), { baseDir: dir });
    expect([a.train.n, a.test.n, a.train.classes, a.train.d]).toEqual([5, 20, 4, 4]);
    expect(Array.from(a.train.y)).toEqual(Array.from(b.train.y));
  });

  it('reports a missing idx file as a data error naming the path', () => {
    const e = configError(() => loadData({ ...idxSpec, trainImages: 'missing.gz' }, Rng.fromSeed(1), { baseDir: dir }));
    expect(e.code).toBe('data');
    expect(e.message).toBe(`${join(dir, 'missing.gz')}: does not exist`);
  });

  it('returns the ground truth of synthetic tasks', () => {
    const lin = loadData({ kind: 'synthetic-linear', n: 40, d: 3 }, Rng.fromSeed(1));
    expect([lin.train.n, lin.test.n, lin.truth?.kind]).toEqual([40, 10, 'synthetic-linear']);
    const log = loadData({ kind: 'synthetic-logistic', n: 40, d: 3, nTest: 7 }, Rng.fromSeed(1));
    expect([log.train.classes, log.test.n]).toEqual([2, 7]);
    const blobs = loadData({ kind: 'synthetic-blobs', n: 40, d: 2, classes: 5 }, Rng.fromSeed(1));
    expect([blobs.train.classes, blobs.truth?.kind]).toEqual([5, 'synthetic-blobs']);
    const q = loadData({ kind: 'quadratic-consensus', nodes: 6, d: 2 }, Rng.fromSeed(1));
    expect(q.truth?.kind === 'quadratic-consensus' && q.truth.optimum.length).toBe(2);
  });

  it('gives the same data for the same seed and other data for another seed', () => {
    const spec: DataSpec = { kind: 'synthetic-blobs', n: 50, d: 2 };
    expect(loadData(spec, Rng.fromSeed(4)).train.x).toEqual(loadData(spec, Rng.fromSeed(4)).train.x);
    expect(loadData(spec, Rng.fromSeed(4)).train.x).not.toEqual(loadData(spec, Rng.fromSeed(5)).train.x);
  });

  it.each([
    [
      { kind: 'cifar' },
      'data.kind must be one of mnist, fashion-mnist, idx, synthetic-linear, synthetic-logistic, synthetic-blobs, quadratic-consensus, got "cifar"',
    ],
    [{ kind: 'mnist', testFraction: 1.5 }, 'data.testFraction must be < 1, got 1.5'],
    [{ kind: 'mnist', testFraction: 0 }, 'data.testFraction must be > 0, got 0'],
    [{ kind: 'mnist', limit: 2.5 }, 'data.limit must be an integer, got 2.5'],
    [{ kind: 'mnist', tesFraction: 0.1 }, 'data has unknown key "tesFraction"'],
    [{ kind: 'synthetic-linear', n: 10, d: 0 }, 'data.d must be > 0, got 0'],
    [{ kind: 'synthetic-linear', n: 10, d: 2, noise: -1 }, 'data.noise must be >= 0, got -1'],
    [{ kind: 'synthetic-blobs', n: 10, d: 2, classes: 1 }, 'data.classes must be >= 2, got 1'],
    [{ kind: 'quadratic-consensus', d: 2 }, 'data.nodes is required (a number)'],
    [{ kind: 'idx', trainImages: 'a', trainLabels: 'b', testImages: 'c' }, 'data.testLabels is required (a string)'],
    [{ kind: 'fashion-mnist', dir: '' }, 'data.dir must be a non-empty string, got ""'],
  ])('rejects %o with a message naming the option', (spec, message) => {
    const e = configError(() => loadData(spec as DataSpec, Rng.fromSeed(1)));
    expect([e.code, e.message]).toEqual(['config', message]);
  });

  it('uses the given option path in messages', () => {
    const e = configError(() => loadData({ kind: 'mnist', testFraction: 2 }, Rng.fromSeed(1), { path: 'eval.data' }));
    expect(e.path).toBe('eval.data.testFraction');
  });
});
