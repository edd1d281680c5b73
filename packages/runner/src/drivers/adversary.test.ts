import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load.js';
import { resolveAdversary } from './adversary.js';

const base = {
  name: 't',
  seed: 5,
  data: { kind: 'mnist' },
  model: { kind: 'softmax' },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.1 },
  algorithm: { kind: 'fedavg', rounds: 2, clients: 50 },
};
const cfg = (adversary: unknown) => validateConfig({ ...base, adversary });
const federated = {
  path: 'federated' as const,
  nodes: 50,
  classes: 10,
  reference: { partition: { kind: 'iid' as const }, participation: { kind: 'fraction' as const, value: 1 } },
};

describe('adversary: in the config', () => {
  it('picks ⌊fraction·N⌋ distinct ids from the seed, the same every time', () => {
    const a = resolveAdversary(cfg({ fraction: 0.25, attack: { kind: 'sign_flip' } }), federated);
    expect(a?.byzantine).toHaveLength(12);
    expect(new Set(a?.byzantine).size).toBe(12);
    expect(a?.byzantine).toEqual(Array.from(Rng.fromSeed(5).fork('adversary').sample(50, 12)));
    expect(a).toMatchObject({ attack: { kind: 'sign_flip', scale: 1 }, knowledge: 'local', path: 'federated' });
    expect(a?.reference).toMatchObject({ clients: 50 });
  });

  it('takes explicit nodes, defaults ALIE/IPM to omniscient and resolves ALIE’s z for n and f', () => {
    const a = resolveAdversary(cfg({ nodes: [9, 3], attack: { kind: 'alie' } }), federated);
    expect(a).toMatchObject({ byzantine: [3, 9], knowledge: 'omniscient' });
    // n = 50, f = 2: s = 26 − 2 = 24, z = Φ⁻¹(26/50) ≈ 0.0502
    expect(a?.z).toBeCloseTo(0.05015358346473367, 10);
    expect(resolveAdversary(cfg({ nodes: [1], attack: { kind: 'alie', z: 1.5 } }), federated)?.z).toBe(1.5);
    expect(resolveAdversary(cfg(null), federated)).toBeUndefined();
  });

  it.each([
    [{ fraction: 0.2, nodes: [1], attack: { kind: 'ipm' } }, /exactly one of fraction or nodes/],
    [{ attack: { kind: 'ipm' } }, /exactly one of fraction or nodes/],
    [{ fraction: 1, attack: { kind: 'ipm' } }, /adversary\.fraction/],
    [{ nodes: [2, 2], attack: { kind: 'ipm' } }, /must not repeat/],
    [{ fraction: 0.1, attack: { kind: 'label_flip' }, knowledge: 'omniscient' }, /only knowledge local/],
    [{ fraction: 0.1, attack: { kind: 'bogus' } }, /adversary\.attack\.kind/],
    [{ fraction: 0.1, attack: { kind: 'gaussian', std: -1 } }, /adversary\.attack\.std/],
  ])('refuses %o', (adversary, message) => {
    expect(() => cfg(adversary)).toThrow(message);
  });

  it('refuses what cannot run: ids out of range, label flip without classes or training, omniscient CHOCO', () => {
    expect(() => resolveAdversary(cfg({ nodes: [50], attack: { kind: 'ipm' } }), federated)).toThrow(
      /adversary\.nodes must be node ids in \[0, 49\]/,
    );
    const flip = cfg({ fraction: 0.1, attack: { kind: 'label_flip' } });
    expect(() => resolveAdversary(flip, { ...federated, classes: 0 })).toThrow(/classification/);
    expect(() => resolveAdversary(flip, { path: 'gossip', nodes: 8, classes: 10, consensus: true })).toThrow(
      /consensus trains nothing/,
    );
    const rushing = cfg({ fraction: 0.25, attack: { kind: 'ipm' } });
    expect(() => resolveAdversary(rushing, { path: 'gossip', nodes: 8, classes: 10, choco: true })).toThrow(
      /adversary\.knowledge/,
    );
  });
});
