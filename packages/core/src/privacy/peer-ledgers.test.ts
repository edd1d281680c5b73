import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { epsilonForNoiseMultiplier } from './calibrate-noise.js';
import { lotSampleRate } from './dp-sgd.js';
import { PeerLedgers, roundsWithinBudget } from './peer-ledgers.js';
import { DEFAULT_RDP_ORDERS } from './rdp-orders.js';
import { planRunPrivacy } from './run-plan.js';
import { BUDGET_STOP, RunPrivacy } from './run-privacy.js';

const delta = 1e-5;
const options = { delta, orders: DEFAULT_RDP_ORDERS, conversion: 'improved' as const };
const sigma = 1.1;
const localSteps = 5;
/** Peers of a non-IID split: their own lot rates q_i = min(1, 32/n_i), 5 DP-SGD steps per round. */
const sizes = [500, 731, 212, 1000, 24];
const perRound = sizes.map((n) => ({ noiseMultiplier: sigma, sampleRate: lotSampleRate(32, n), steps: localSteps }));

/** The server path's single-node ledger for one node with n examples, lots of 32, `localSteps` steps a round. */
function singleNode(n: number, rounds: number, targetEpsilon?: number) {
  const plan = planRunPrivacy(
    {
      mode: 'dpsgd',
      delta,
      clipNorm: 1,
      noiseMultiplier: sigma,
      ...(targetEpsilon ? { targetEpsilon } : {}),
      overBudget: 'stop',
    },
    { rounds, local: { epochs: localSteps, batchSize: 32, maxSteps: localSteps }, nodeSizes: [n], clientRate: null },
  );
  return new RunPrivacy(plan, Rng.fromSeed(1));
}

describe('PeerLedgers', () => {
  it("gives each peer the single-node accountant's epsilon for the same q, sigma and steps, to the bit", () => {
    const ledgers = new PeerLedgers(perRound, options);
    const rounds = 40;
    const nodes = sizes.map((n) => singleNode(n, rounds));
    for (let t = 0; t < rounds; t++) {
      ledgers.charge(t);
      for (const node of nodes) expect(node.beforeRound(t)).toBeNull();
    }
    expect(ledgers.epsilons()).toEqual(nodes.map((n) => n.epsilon()));
    // and the closed form of T = 200 steps at once (calibrate-noise.ts), to float rounding of 40 additions
    sizes.forEach((n, i) => {
      const once = epsilonForNoiseMultiplier(sigma, {
        delta,
        sampleRate: Math.min(1, 32 / n),
        steps: rounds * localSteps,
      });
      expect(ledgers.epsilons()[i]).toBeCloseTo(once.epsilon, 9);
    });
    // the smallest data set has the largest q (24 examples: q = 1, no amplification) and the largest epsilon
    expect(ledgers.maxEpsilon()).toBe(ledgers.epsilons()[4]);
    expect(ledgers.epsilons()[3]).toBeLessThan(ledgers.epsilons()[0]);
  });

  it('restores every ledger from a checkpoint to the same bits, and keeps the two latest rounds', () => {
    const whole = new PeerLedgers(perRound, options);
    for (let t = 0; t < 7; t++) whole.charge(t);
    const saved = whole.state(6);
    expect(() => whole.state(4)).toThrow(/no record of round 4/);
    for (let t = 7; t < 12; t++) whole.charge(t);
    const resumed = new PeerLedgers(perRound, options);
    resumed.load(structuredClone(saved));
    for (let t = 7; t < 12; t++) resumed.charge(t);
    expect(resumed.epsilons()).toEqual(whole.epsilons());
    expect(() => resumed.load({ round: 3, peers: saved.peers.slice(1) })).toThrow(/5 peers|4 peers/);
  });
});

describe('roundsWithinBudget', () => {
  it('stops where the server path stops: before the first round whose charge would pass the target, for every peer', () => {
    const target = 30;
    const fit = roundsWithinBudget(perRound, target, 1000, options);
    // the peer with q = 1 decides; RunPrivacy.beforeRound on its single-node plan stops at the same round
    const node = singleNode(24, 1000, target);
    let stopped = 0;
    while (node.beforeRound(stopped) === null) stopped++;
    expect(node.beforeRound(stopped)).toBe(BUDGET_STOP);
    expect(fit).toBe(stopped);
    expect(fit).toBeGreaterThan(0);
    expect(roundsWithinBudget(perRound, 1e6, 30, options)).toBe(30);
    expect(roundsWithinBudget(perRound, 1e-3, 30, options)).toBe(0);
    // a run of only the larger peers fits more rounds
    expect(roundsWithinBudget(perRound.slice(0, 4), target, 1000, options)).toBeGreaterThan(fit);
  });
});
