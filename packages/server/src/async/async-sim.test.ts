import { ALWAYS_ONLINE, type Availability, type ClientProfile, jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { ServerOptimizer } from '../server-optimizer.js';
import type { AsyncRule } from './async-rule.js';
import { type AsyncRoundRecord, runAsyncSim } from './async-sim.js';
import { fedAsyncRule } from './fedasync-rule.js';
import { fedBuffRule } from './fedbuff-rule.js';

const ETA = 0.25;

/** Client c minimizes ½‖x − b_c‖² with b_c = (c + 1, −c): `steps` gradient steps of size ETA from x. */
function quadraticTrain(steps: number, calls: number[] = []) {
  return (id: number, model: Float32Array, _dispatch: number, out: Float32Array) => {
    calls.push(id);
    const b = [id + 1, -id];
    for (let i = 0; i < model.length; i++) {
      let x = model[i];
      for (let s = 0; s < steps; s++) x = Math.fround(x - ETA * (x - b[i]));
      out[i] = Math.fround(x - model[i]);
    }
    return { samples: 10, trainLoss: 0, upBytes: 8 };
  };
}

/** A client taking `seconds` per step, on free and instant links. */
function profile(id: number, seconds: number, availability: Availability = ALWAYS_ONLINE): ClientProfile {
  const free = Number.POSITIVE_INFINITY;
  const compute = { per: 'step' as const, seconds };
  return { id, compute, uplinkBps: free, downlinkBps: free, latencyS: 0, loss: null, localEpochs: null, availability };
}

async function simulate(speeds: number[], rule: AsyncRule, concurrency: number, rounds: number, steps = 1) {
  const calls: number[] = [];
  const records: AsyncRoundRecord[] = [];
  const models: number[][] = [];
  const model = new Float32Array([0.5, 0.5]);
  await runAsyncSim({
    profiles: speeds.map((s, i) => profile(i, s)),
    work: () => ({ steps, examples: 10 * steps }),
    downBytes: 8,
    concurrency,
    rounds,
    rng: Rng.fromSeed(9).fork('async'),
    rule,
    model,
    train: quadraticTrain(steps, calls),
    onRound: (r, m) => {
      records.push(r);
      models.push(Array.from(m));
    },
  });
  return { calls, records, models, model };
}

describe('runAsyncSim', () => {
  it('FedAsync with α = 1 and one client in flight is sequential SGD over the drawn clients', async () => {
    const { calls, records, model } = await simulate(
      [1, 2, 0.5, 3, 1.5],
      fedAsyncRule(1, { kind: 'constant' }),
      1,
      12,
      3,
    );
    // Reference: each drawn client trains from the current model and its result becomes the model.
    const x = new Float32Array([0.5, 0.5]);
    let t = 0;
    for (const id of calls) {
      const d = new Float32Array(2);
      quadraticTrain(3)(id, x, 0, d);
      for (let i = 0; i < 2; i++) x[i] = x[i] + d[i];
      t += 3 * [1, 2, 0.5, 3, 1.5][id];
    }
    expect(calls).toHaveLength(12);
    expect(new Set(calls).size).toBeGreaterThan(1);
    expect(Array.from(model)).toEqual(Array.from(x));
    expect(records.every((r) => r.staleness[0] === 0)).toBe(true);
    expect(records.at(-1)?.virtualTimeS).toBeCloseTo(t, 12);
  });

  it('FedAsync mixes a stale model with α·s(staleness), staleness counted in server updates', async () => {
    // Client 0 takes 1 s, client 1 takes 3 s, both in flight: arrivals at t = 1, 2, 3 (client 0, then 1).
    const rule = fedAsyncRule(0.5, { kind: 'polynomial', a: 1 });
    const { records, models, calls } = await simulate([1, 3], rule, 2, 4);
    expect(records.map((r) => [r.virtualTimeS, r.staleness[0]])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [3, 3],
    ]);
    expect(calls.slice(0, 2).sort()).toEqual([0, 1]);
    // Client 1 trained from x0 = 0.5: x1 = 0.5 − 0.25·(0.5 − 2) = 0.875 in coordinate 0; mixed with α = 0.5/4.
    const a = 0.5 / 4;
    expect(models[3][0]).toBeCloseTo((1 - a) * models[2][0] + a * 0.875, 6);
  });

  it('FedBuff with concurrency = K = every client and equal speeds is synchronous FedAvg (staleness 0)', async () => {
    const n = 4;
    const rule = fedBuffRule({
      bufferSize: n,
      staleness: { kind: 'hinge', a: 10, b: 0 },
      optimizer: new ServerOptimizer({ kind: 'plain', lr: 1 }),
      maxClientWeight: 1,
      kernels: jsKernels,
    });
    const rounds = 5;
    const { records, model } = await simulate([2, 2, 2, 2], rule, n, rounds);
    expect(records.map((r) => r.staleness)).toEqual(Array.from({ length: rounds }, () => [0, 0, 0, 0]));
    expect(records.map((r) => r.virtualTimeS)).toEqual([2, 4, 6, 8, 10]);
    // One step of size η on the mean objective: x_R = b̄ + (1 − η)^R (x0 − b̄), b̄ = (2.5, −1.5).
    const bbar = [2.5, -1.5];
    for (let i = 0; i < 2; i++) expect(model[i]).toBeCloseTo(bbar[i] + (1 - ETA) ** rounds * (0.5 - bbar[i]), 5);
  });

  it('a client going offline before its update arrives is lost when it goes offline', async () => {
    const rule = fedBuffRule({
      bufferSize: 2,
      staleness: { kind: 'polynomial', a: 1 },
      optimizer: new ServerOptimizer({ kind: 'plain', lr: 1 }),
      maxClientWeight: 1,
      kernels: jsKernels,
    });
    const flaky: Availability = { onlineUntil: (t) => (t < 10 ? 10 : null) };
    const records: AsyncRoundRecord[] = [];
    await runAsyncSim({
      profiles: [profile(0, 1), profile(1, 1), profile(2, 25, flaky)],
      work: () => ({ steps: 1, examples: 10 }),
      downBytes: 8,
      concurrency: 3,
      rounds: 12,
      rng: Rng.fromSeed(1).fork('async'),
      rule,
      model: new Float32Array([0, 0]),
      train: quadraticTrain(1),
      onRound: (r) => {
        records.push(r);
      },
    });
    // Client 2 would need 25 s but is offline from t = 10: lost then (and never drawn again).
    expect(records.map((r) => r.dropped)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(records.map((r) => r.virtualTimeS)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('FedBuff weights each buffered update by p_k·s(τ_k), summed in client-id order', () => {
    const rule = fedBuffRule({
      bufferSize: 2,
      staleness: { kind: 'polynomial', a: 1 },
      optimizer: new ServerOptimizer({ kind: 'plain', lr: 0.5 }),
      maxClientWeight: 1,
      kernels: jsKernels,
    });
    const model = new Float32Array([1, 1]);
    const late = { client: 3, staleness: 3, samples: 30, trainLoss: 1, vector: new Float32Array([4, 8]) };
    const fresh = { client: 1, staleness: 0, samples: 10, trainLoss: 3, vector: new Float32Array([2, -2]) };
    expect(rule.arrive(late, model)).toBeNull();
    const applied = rule.arrive(fresh, model);
    // Δ̄ = 0.25·1·(2, −2) + 0.75·(1/4)·(4, 8) = (1.25, 1); x ← x + 0.5·Δ̄.
    expect(Array.from(model)).toEqual([1.625, 1.5]);
    expect(applied).toEqual({ staleness: [0, 3], samples: 40, trainLoss: 1.5, refused: null });
    expect(rule.holding).toHaveLength(0);
  });
});
