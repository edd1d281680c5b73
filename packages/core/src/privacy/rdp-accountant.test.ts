import { describe, expect, it } from 'vitest';
import { RdpAccountant, type RdpAccountantState } from './rdp-accountant.js';

describe('RdpAccountant', () => {
  it("reproduces Opacus' known answer when the 2250 steps are recorded one by one", () => {
    const accountant = new RdpAccountant();
    for (let t = 0; t < 2250; t++) accountant.step({ noiseMultiplier: 1.5, sampleRate: 0.04 });
    const { epsilon, order } = accountant.epsilon(1e-5);
    expect(Math.abs(epsilon - 7.32911117143) / 7.32911117143).toBeLessThan(1e-6);
    expect(order).toBe(3.9);
    expect(accountant.steps()).toBe(2250);
    expect(accountant.state().history).toEqual([{ noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250 }]);
    expect(accountant.sampling).toBe('poisson');
  });

  it('composes heterogeneous steps as the sum of their RDP', () => {
    const mixed = new RdpAccountant();
    mixed.step({ noiseMultiplier: 1.2, sampleRate: 0.1, steps: 30 });
    mixed.step({ noiseMultiplier: 0, sampleRate: 0, steps: 5 }); // skipped rounds: nobody sampled
    mixed.step({ noiseMultiplier: 2, sampleRate: 0.05, steps: 70 });
    const a = new RdpAccountant();
    a.step({ noiseMultiplier: 1.2, sampleRate: 0.1, steps: 30 });
    const b = new RdpAccountant();
    b.step({ noiseMultiplier: 2, sampleRate: 0.05, steps: 70 });
    const sum = a.rdp().map((x, k) => x + b.rdp()[k]);
    const total = mixed.rdp();
    for (let k = 0; k < total.length; k++) expect(total[k]).toBeCloseTo(sum[k], 12);
    expect(mixed.epsilon(1e-5).epsilon).toBeGreaterThan(Math.max(a.epsilon(1e-5).epsilon, b.epsilon(1e-5).epsilon));
  });

  it('projects epsilon for planned steps without recording them', () => {
    const accountant = new RdpAccountant();
    accountant.step({ noiseMultiplier: 1.1, sampleRate: 0.01, steps: 100 });
    const before = accountant.epsilon(1e-5);
    const projected = accountant.projectedEpsilon(1e-5, { noiseMultiplier: 1.1, sampleRate: 0.01, steps: 900 });
    expect(accountant.epsilon(1e-5)).toEqual(before);
    expect(accountant.steps()).toBe(100);
    accountant.step({ noiseMultiplier: 1.1, sampleRate: 0.01, steps: 900 });
    expect(accountant.epsilon(1e-5).epsilon).toBeCloseTo(projected.epsilon, 12);
    expect(projected.epsilon).toBeGreaterThan(before.epsilon);
  });

  it('restores a JSON checkpoint exactly, into a fresh accountant or with load', () => {
    const accountant = new RdpAccountant({ orders: [1.5, 2, 8, 32], conversion: 'classic' });
    accountant.step({ noiseMultiplier: 0.9, sampleRate: 0.02, steps: 40 });
    accountant.step({ noiseMultiplier: 1.3, sampleRate: 0.02, steps: 3 });
    const json = JSON.stringify(accountant.state());
    const restored = RdpAccountant.fromState(JSON.parse(json) as RdpAccountantState);
    expect(restored.epsilon(1e-6)).toEqual(accountant.epsilon(1e-6));
    expect([...restored.rdp()]).toEqual([...accountant.rdp()]);
    const other = new RdpAccountant();
    other.load(JSON.parse(json) as RdpAccountantState);
    expect(other.trackedOrders()).toEqual([1.5, 2, 8, 32]);
    expect(JSON.stringify(other.state())).toBe(json);
  });

  it('reports zero epsilon before any step', () => {
    expect(new RdpAccountant().epsilon(1e-5)).toEqual({ epsilon: 0, order: null });
  });

  it('rejects invalid steps and a corrupt checkpoint without changing its ledger', () => {
    const accountant = new RdpAccountant();
    accountant.step({ noiseMultiplier: 1, sampleRate: 0.1 });
    const before = accountant.state();
    expect(() => accountant.step({ noiseMultiplier: 1, sampleRate: 1.5 })).toThrow('sampleRate must be in [0, 1]');
    expect(() => accountant.step({ noiseMultiplier: 1, sampleRate: 0.1, steps: 2.5 })).toThrow('steps');
    const corrupt = { ...before, history: [{ noiseMultiplier: -1, sampleRate: 0.1, steps: 1 }] };
    expect(() => accountant.load(corrupt)).toThrow('noiseMultiplier');
    expect(() => accountant.load({ ...before, orders: [0.5] })).toThrow('accountant state.orders[0]');
    expect(accountant.state()).toEqual(before);
  });
});
