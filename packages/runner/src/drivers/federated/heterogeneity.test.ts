import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { checkHeterogeneitySupported } from './heterogeneity.js';

const config = (algorithm: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  validateConfig({
    name: 't',
    seed: 1,
    data: { kind: 'mnist' },
    model: { kind: 'softmax' },
    loss: { kind: 'softmax_ce' },
    optimizer: { kind: 'sgd', lr: 0.1 },
    algorithm: { rounds: 2, clients: 4, ...algorithm },
    ...extra,
  });
const clientDp = { privacy: { mode: 'client', noiseMultiplier: 1, clipNorm: 1, delta: 1e-5 } };
const dpSgd = { privacy: { mode: 'dpsgd', noiseMultiplier: 1, clipNorm: 1, delta: 1e-5 } };

describe('checkHeterogeneitySupported', () => {
  it('accepts the three kinds with FedAvg keys, and fedprox needs mu > 0', () => {
    for (const kind of ['fednova', 'scaffold'])
      expect(() => checkHeterogeneitySupported(config({ kind }))).not.toThrow();
    expect(() => checkHeterogeneitySupported(config({ kind: 'fedprox', mu: 0.1 }))).not.toThrow();
    expect(() => config({ kind: 'fedprox' })).toThrow(/mu/);
    expect(() => config({ kind: 'fedprox', mu: 0 })).toThrow(/mu/);
  });

  it.each([
    [
      'fednova',
      {},
      { optimizer: { kind: 'momentum', lr: 0.1 } },
      'optimizer.kind must be sgd for algorithm.kind fednova',
    ],
    ['scaffold', {}, { optimizer: { kind: 'sgd', lr: 0.1, clipNorm: 1 } }, 'optimizer.clipNorm must be absent'],
    ['fednova', {}, clientDp, 'privacy.mode must be dpsgd or local for algorithm.kind fednova: FedNova rescales'],
    ['scaffold', {}, clientDp, "SCAFFOLD's control variate c"],
    ['fedprox', { mu: 0.1 }, dpSgd, "FedProx's proximal term is not wired into DP-SGD"],
    ['scaffold', {}, dpSgd, "SCAFFOLD's drift correction is not wired into DP-SGD"],
  ])('%s is refused with %j and a reason', (kind, opts, extra, message) => {
    expect(() => checkHeterogeneitySupported(config({ kind, ...opts }, extra))).toThrow(message);
  });

  it('lets client-level DP wrap FedProx and sample-level DP-SGD run FedNova', () => {
    expect(() => checkHeterogeneitySupported(config({ kind: 'fedprox', mu: 0.1 }, clientDp))).not.toThrow();
    expect(() => checkHeterogeneitySupported(config({ kind: 'fednova' }, dpSgd))).not.toThrow();
  });
});
