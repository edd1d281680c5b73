import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import { DATA_KINDS, type DataSpec, type GroundTruth } from './data-spec.js';
import { type DataSplit, type Dataset, subset } from './dataset.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadIdx } from './idx-dataset.js';
import { loadMnist } from './mnist.js';
import { checkKeys, intAtLeast, nonEmptyString, nonNegative, openUnit } from './options.js';
import { quadraticConsensus } from './quadratic-consensus.js';
import { syntheticBlobs } from './synthetic-blobs.js';
import { syntheticLinear } from './synthetic-linear.js';
import { syntheticLogistic } from './synthetic-logistic.js';

/** What {@link loadData} returns: train and test sets, plus the ground truth of a synthetic task. */
export interface LoadedData extends DataSplit {
  readonly truth?: GroundTruth;
}

/** Options of {@link loadData}. */
export interface LoadDataOptions {
  /** folder that relative `idx` paths resolve against (the config file's folder); default the cwd */
  baseDir?: string;
  /** option path used in error messages; default `data` */
  path?: string;
}

/**
 * Loads the data an experiment asks for (see {@link DataSpec} and docs/data.md). Options are
 * validated first, with errors such as `data.testFraction must be in (0, 1), got 1.5`; unreadable or
 * corrupt files give `data` errors naming the file. Randomness comes from `rng.fork('data')` only.
 */
export function loadData(spec: DataSpec, rng: Rng, opts: LoadDataOptions = {}): LoadedData {
  const path = opts.path ?? 'data';
  const p = (key: string) => `${path}.${key}`;
  if (spec === null || typeof spec !== 'object') throw errors.option(path, 'an object with a kind', spec);
  const kind = (spec as { kind: unknown }).kind;
  if (!DATA_KINDS.includes(kind as DataSpec['kind'])) throw errors.unknownKind(p('kind'), String(kind), DATA_KINDS);
  const r = rng.fork('data');
  const nTest = (n: number, value: unknown) => intAtLeast(p('nTest'), value, 1, Math.max(1, Math.round(n / 4)));
  switch (spec.kind) {
    case 'mnist': {
      checkKeys(spec, ['kind', 'testFraction', 'limit', 'testLimit'], path);
      const testFraction = openUnit(p('testFraction'), spec.testFraction, 0.2);
      const limits = readLimits(spec, p);
      return limit(loadMnist(r, testFraction), limits, r);
    }
    case 'fashion-mnist': {
      checkKeys(spec, ['kind', 'dir', 'limit', 'testLimit'], path);
      const limits = readLimits(spec, p);
      const dir = spec.dir === undefined ? undefined : nonEmptyString(p('dir'), spec.dir);
      return limit(loadFashionMnist(dir), limits, r);
    }
    case 'idx': {
      const files = ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const;
      checkKeys(spec, ['kind', ...files, 'classes', 'limit', 'testLimit'], path);
      for (const key of files) nonEmptyString(p(key), spec[key]);
      const classes = intAtLeast(p('classes'), spec.classes, 2, 10);
      if (classes > 256) throw errors.option(p('classes'), 'at most 256 (labels are bytes)', classes);
      const limits = readLimits(spec, p);
      return limit(loadIdx(spec, { classes, baseDir: opts.baseDir }), limits, r);
    }
    case 'synthetic-linear': {
      checkKeys(spec, ['kind', 'n', 'd', 'noise', 'nTest'], path);
      const n = intAtLeast(p('n'), spec.n);
      const o = {
        n,
        d: intAtLeast(p('d'), spec.d),
        noise: nonNegative(p('noise'), spec.noise, 0.1),
        nTest: nTest(n, spec.nTest),
      };
      const { train, test, w, b } = syntheticLinear(r, o);
      return { train, test, truth: { kind: spec.kind, w, b } };
    }
    case 'synthetic-logistic': {
      checkKeys(spec, ['kind', 'n', 'd', 'scale', 'nTest'], path);
      const n = intAtLeast(p('n'), spec.n);
      const o = {
        n,
        d: intAtLeast(p('d'), spec.d),
        scale: nonNegative(p('scale'), spec.scale, 4),
        nTest: nTest(n, spec.nTest),
      };
      const { train, test, w, b } = syntheticLogistic(r, o);
      return { train, test, truth: { kind: spec.kind, w, b } };
    }
    case 'synthetic-blobs': {
      checkKeys(spec, ['kind', 'n', 'd', 'classes', 'std', 'spread', 'nTest'], path);
      const n = intAtLeast(p('n'), spec.n);
      const { train, test, centers } = syntheticBlobs(r, {
        n,
        d: intAtLeast(p('d'), spec.d),
        classes: intAtLeast(p('classes'), spec.classes, 2, 3),
        std: nonNegative(p('std'), spec.std, 1),
        spread: nonNegative(p('spread'), spec.spread, 2),
        nTest: nTest(n, spec.nTest),
      });
      return { train, test, truth: { kind: spec.kind, centers } };
    }
    case 'quadratic-consensus': {
      checkKeys(spec, ['kind', 'nodes', 'd', 'spread'], path);
      const o = {
        nodes: intAtLeast(p('nodes'), spec.nodes),
        d: intAtLeast(p('d'), spec.d),
        spread: nonNegative(p('spread'), spec.spread, 1),
      };
      const { train, test, targets, optimum } = quadraticConsensus(r, o);
      return { train, test, truth: { kind: spec.kind, targets, optimum } };
    }
  }
}

interface Limits {
  train?: number;
  test?: number;
}

function readLimits(spec: { limit?: number; testLimit?: number }, p: (key: string) => string): Limits {
  return {
    train: spec.limit === undefined ? undefined : intAtLeast(p('limit'), spec.limit),
    test: spec.testLimit === undefined ? undefined : intAtLeast(p('testLimit'), spec.testLimit),
  };
}

/** Keeps a seeded random subset (in original order) of at most `limits.train` / `limits.test` examples. */
function limit(split: DataSplit, limits: Limits, rng: Rng): DataSplit {
  const cut = (ds: Dataset, max: number | undefined, id: number) =>
    max === undefined || max >= ds.n ? ds : subset(ds, rng.fork('limit', id).sample(ds.n, max));
  return { train: cut(split.train, limits.train, 0), test: cut(split.test, limits.test, 1) };
}
