import type { GossipSetup } from '@starling/worker';

/**
 * A small consensus gossip setup for tests with scripted hosts: four peers on a ring averaging a
 * 6-float linear model (`modelSize` 6), js kernels, 20 s round deadline.
 */
export function consensusRing4(rounds: number, extra: Partial<GossipSetup> = {}): GossipSetup {
  return {
    node: {
      seed: 4,
      data: { kind: 'synthetic-linear', n: 16, d: 5 },
      model: { kind: 'linear' },
      loss: 'mse',
      optimizer: { kind: 'sgd', lr: 0.1 },
      local: { epochs: 1, batchSize: 4, maxSteps: 1 },
      kernels: 'js',
    },
    algorithm: { kind: 'consensus' },
    peers: 4,
    rounds,
    topology: { kind: 'ring', nodes: 4 },
    inputs: 5,
    classes: 0,
    evalEvery: 1,
    roundDeadlineMs: 20_000,
    ...extra,
  };
}
