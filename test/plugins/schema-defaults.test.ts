import { dataSpecSchema, lossSpecSchema, modelSpecSchema, partitionSchema, privacySpecSchema } from '@starling/core';
import { serverOptimizerSchema } from '@starling/server';
import { topologySectionSchema, topologySpecSchema } from '@starling/topologies';
import { describe, expect, it } from 'vitest';

// The defaults each factory applied before the schemas moved beside them (`?? value` in load-data.ts,
// partition.ts, run-plan.ts, model.ts, build.ts and the builders, server-optimizer.ts); now only the
// schemas hold them.
describe('every schema default equals the default the factory used to resolve', () => {
  it.each([
    [{ kind: 'mnist' }, { testFraction: 0.2 }],
    [{ kind: 'idx', trainImages: 'a', trainLabels: 'b', testImages: 'c', testLabels: 'd' }, { classes: 10 }],
    [{ kind: 'synthetic-linear', n: 10, d: 2 }, { noise: 0.1 }],
    [{ kind: 'synthetic-logistic', n: 10, d: 2 }, { scale: 4 }],
    [
      { kind: 'synthetic-blobs', n: 10, d: 2 },
      { classes: 3, std: 1, spread: 2 },
    ],
    [{ kind: 'quadratic-consensus', nodes: 4, d: 2 }, { spread: 1 }],
  ])('data %o', (spec, defaults) => {
    expect(dataSpecSchema.parse(spec)).toEqual({ ...spec, ...defaults });
  });

  it('fashion-mnist reads Debian’s folder by default', () => {
    expect(dataSpecSchema.parse({ kind: 'fashion-mnist' })).toEqual({
      kind: 'fashion-mnist',
      dir: '/usr/share/datasets/fashion-mnist',
    });
  });

  it.each([
    [{ kind: 'iid' }, {}],
    [{ kind: 'shards' }, { shardsPerClient: 2 }],
    [{ kind: 'dirichlet', alpha: 0.5 }, { minSize: 1 }],
    [{ kind: 'lognormal', sigma: 1 }, { minSize: 1 }],
  ])('partition %o', (spec, defaults) => {
    expect(partitionSchema.parse(spec)).toEqual({ ...spec, ...defaults });
  });

  it('privacy: seeded noise, skip on shortfall, refuse over budget, the improved conversion', () => {
    const spec = { mode: 'dpsgd', delta: 1e-5, clipNorm: 1, noiseMultiplier: 1 } as const;
    expect(privacySpecSchema.parse(spec)).toEqual({
      ...spec,
      noise: 'seeded',
      onShortfall: 'skip',
      overBudget: 'refuse',
      conversion: 'improved',
    });
  });

  it('model: zeros for the linear models, Kaiming and relu for the MLP; loss has no defaults', () => {
    for (const kind of ['linear', 'logistic', 'softmax'] as const) {
      expect(modelSpecSchema.parse({ kind })).toEqual({ kind, init: 'zeros' });
    }
    expect(modelSpecSchema.parse({ kind: 'mlp', hidden: [8] })).toEqual({
      kind: 'mlp',
      hidden: [8],
      activation: 'relu',
      init: 'kaiming',
    });
    expect(lossSpecSchema.parse({ kind: 'mse' })).toEqual({ kind: 'mse' });
  });

  it('server optimizers: lr 1 for plain and fedavgm (μ 0.9), lr 0.01, β1 0.9, β2 0.99, τ 1e-3 adaptive', () => {
    expect(serverOptimizerSchema.parse({ kind: 'plain' })).toEqual({ kind: 'plain', lr: 1 });
    expect(serverOptimizerSchema.parse({ kind: 'fedavgm' })).toEqual({ kind: 'fedavgm', lr: 1, momentum: 0.9 });
    for (const kind of ['fedadagrad', 'fedadam', 'fedyogi'] as const) {
      expect(serverOptimizerSchema.parse({ kind })).toEqual({ kind, lr: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3 });
    }
  });

  it('topology: metropolis weights, not lazy, seed 0, 100 tries for random graphs; the section leaves the seed to the run', () => {
    expect(topologySpecSchema.parse({ kind: 'ring', nodes: 8 })).toEqual({
      kind: 'ring',
      nodes: 8,
      lazy: false,
      seed: 0,
      weights: 'metropolis',
    });
    expect(topologySpecSchema.parse({ kind: 'erdos_renyi', nodes: 8, p: 0.5 })).toMatchObject({ maxTries: 100 });
    expect(topologySpecSchema.parse({ kind: 'one_peer_exponential', nodes: 8 })).toEqual({
      kind: 'one_peer_exponential',
      nodes: 8,
      lazy: false,
      seed: 0,
    });
    expect(topologySectionSchema.parse({ kind: 'ring' })).toEqual({ kind: 'ring', lazy: false, weights: 'metropolis' });
  });
});
