import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { federatedFootprint } from './footprint.js';

const base = {
  name: 'footprint',
  data: { kind: 'mnist', limit: 500 },
  model: { kind: 'mlp', hidden: [8] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'momentum', lr: 0.05, momentum: 0.9 },
  algorithm: { kind: 'fedavg', rounds: 3, clients: 100, clientsPerRound: 20 },
};
const footprint = (algorithm: Record<string, unknown>) =>
  federatedFootprint({
    cfg: validateConfig({ ...base, algorithm: { ...base.algorithm, ...algorithm } }),
    hostKernels: 'js',
    baseDir: process.cwd(),
  });

describe('the federated memory footprint', () => {
  it("counts over-commit's extra updates: ⌈(1+o)K⌉ drawn clients each hold an update and may keep state", () => {
    const plain = footprint({});
    const over = footprint({ overCommit: 0.3 });
    // K = 20: 20 update buffers without over-commit, ⌈1.3 · 20⌉ = 26 with it
    expect(over.serverVectors - plain.serverVectors).toBe(6);
    // momentum keeps one vector per client that has trained: 3 rounds × 20 vs × 26
    expect(plain.clientsWithState).toBe(60);
    expect(over.clientsWithState).toBe(78);
  });
});
