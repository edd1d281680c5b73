import { type Availability, type ClientProfile, jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { ServerOptimizer } from '../server-optimizer.js';
import type { AsyncRule } from './async-rule.js';
import { type AsyncRoundRecord, runAsyncSim } from './async-sim.js';
import type { AsyncSimState } from './async-sim-state.js';
import { fedAsyncRule } from './fedasync-rule.js';
import { fedBuffRule } from './fedbuff-rule.js';

/** Client c pulls x toward (c + 1, −c), 2 steps of 0.25, with a dispatch-dependent nudge (its data order). */
function train(id: number, model: Float32Array, dispatch: number, out: Float32Array) {
  const b = [id + 1, -id];
  for (let i = 0; i < model.length; i++) {
    let x = model[i];
    for (let s = 0; s < 2; s++) x = Math.fround(x - 0.25 * (x - b[i]) + 0.01 * dispatch);
    out[i] = Math.fround(x - model[i]);
  }
  return { samples: 10 + id, trainLoss: id, steps: 2, upBytes: 8 };
}

const flaky: Availability = { onlineUntil: (t) => (Math.floor(t / 7) % 3 === 2 ? null : (Math.floor(t / 7) + 1) * 7) };
const profiles: ClientProfile[] = [0.5, 1, 1.7, 0.3, 2.2, 0.9, 1.3].map((seconds, id) => ({
  id,
  compute: { per: 'step', seconds },
  uplinkBps: 64,
  downlinkBps: 128,
  latencyS: 0.1,
  localEpochs: null,
  availability: id === 4 ? flaky : { onlineUntil: () => Number.POSITIVE_INFINITY },
}));

const rules: Record<string, () => AsyncRule> = {
  fedbuff: () =>
    fedBuffRule({
      bufferSize: 3,
      staleness: { kind: 'polynomial', a: 0.5 },
      optimizer: new ServerOptimizer({ kind: 'plain', lr: 1 }),
      maxClientWeight: 1,
      kernels: jsKernels,
    }),
  fedasync: () => fedAsyncRule(0.6, { kind: 'hinge', a: 10, b: 1 }),
};

async function sim(rule: AsyncRule, model: Float32Array, at: number | null, resume?: AsyncSimState) {
  const records: AsyncRoundRecord[] = [];
  let state: { model: Float32Array; sim: AsyncSimState } | null = null;
  await runAsyncSim({
    profiles,
    work: () => ({ steps: 2, examples: 20 }),
    downBytes: 8,
    concurrency: 4,
    rounds: 14,
    rng: Rng.fromSeed(4).fork('async'),
    rule,
    model,
    train,
    ...(resume ? { resume } : {}),
    onRound: (r, m, capture) => {
      records.push(r);
      if (r.round === at) state = { model: m.slice(), sim: capture() };
    },
  });
  return { records, state: state as { model: Float32Array; sim: AsyncSimState } | null };
}

describe.each(Object.keys(rules))('%s: a simulation resumed from a capture', (kind) => {
  it.each([0, 4, 9])('after server update %i ends as the uninterrupted one, bit for bit', async (at) => {
    const whole = await sim(rules[kind](), new Float32Array([0.5, -0.5]), at);
    const cut = whole.state;
    if (cut === null) throw new Error('no capture');
    const rest = await sim(rules[kind](), cut.model.slice(), null, cut.sim);
    expect(rest.records).toEqual(whole.records.slice(at + 1));
    expect(Math.max(...whole.records.map((r) => Math.max(...r.staleness)))).toBeGreaterThan(0);
    if (kind === 'fedbuff') expect(cut.sim.held.length + cut.sim.events.length).toBeGreaterThan(0);
  });
});
