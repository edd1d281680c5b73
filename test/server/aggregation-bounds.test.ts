// The server's aggregation bounds (docs/security.md, "Aggregation bounds") on both kernel backends: the
// declared weight against the assigned one (bad-weight), the update norm bound (norm-bound) and the
// refusal of a round whose aggregate or stepped model would hold NaN/±Inf (non-finite-aggregate), with the
// model and the server optimizer's state left bit for bit as they were.
import { jsKernels, type Kernels, Rng } from '@starling/core';
import { loadBinding, nativeKernels } from '@starling/native';
import {
  type Aggregator,
  failureKinds,
  RoundMachine,
  type RoundMachineOptions,
  type RoundPlan,
  type RoundSummary,
  type ServerCommand,
  ServerOptimizer,
  type ServerOptimizerInput,
} from '@starling/server';
import { describe, expect, it } from 'vitest';

const plan = (over: Partial<RoundPlan> = {}): RoundPlan => ({
  rounds: 3,
  participation: { kind: 'fraction', value: 1 },
  minCompletion: 0.5,
  deadlineMs: null,
  maxClientWeight: 1,
  maxFailedRounds: 2,
  ...over,
});

const SAMPLES = [10, 20, 30];

function machine(kernels: Kernels, p: RoundPlan, init: Float32Array, opt: ServerOptimizerInput = { kind: 'plain' }) {
  const optimizer = new ServerOptimizer(opt);
  const options: RoundMachineOptions = { assignedSamples: (n) => SAMPLES[n], expectedSamples: (n) => SAMPLES[n] };
  const m = new RoundMachine(init, [0, 1, 2], p, optimizer, kernels, Rng.fromSeed(1), options);
  return { m, optimizer };
}

const upd = (round: number, node: number, delta: number[], samples = SAMPLES[node]) => ({
  type: 'update' as const,
  round,
  node,
  samples,
  trainLoss: 0.5,
  delta: Float32Array.from(delta),
});

const summaries = (cmds: ServerCommand[]): RoundSummary[] =>
  cmds.flatMap((c) => (c.type === 'round-closed' ? [c.summary] : []));

const backends: [string, Kernels][] = [
  ['js', jsKernels],
  ['native', nativeKernels(loadBinding())],
];

describe.each(backends)('aggregation bounds (%s kernels)', (_name, kernels) => {
  it('refuses a declared weight that is not the assigned one (bad-weight) and averages the others', () => {
    const { m } = machine(kernels, plan({ rounds: 1 }), new Float32Array(2));
    m.handle({ type: 'start' });
    m.handle(upd(0, 0, [1, 1]));
    const refused = m.handle(upd(0, 1, [1e6, 1e6], 2 ** 53 - 1));
    expect(refused[0]).toMatchObject({ type: 'rejected', node: 1, reason: expect.stringMatching(/^bad-weight: /) });
    const [s] = summaries(m.handle(upd(0, 2, [4, 4])));
    expect(s.failures).toEqual([
      { node: 1, reason: 'bad-weight: node 1 declared 9007199254740991 samples, assigned 20' },
    ]);
    expect(failureKinds(s.failures)).toEqual({ 'bad-weight': 1 });
    // (10·1 + 30·4) / 40 = 3.25, the mean without the refused update
    expect(Array.from(m.params)).toEqual([3.25, 3.25]);
  });

  it('refuses an update above maxUpdateNorm (norm-bound) and keeps one exactly at it', () => {
    const { m } = machine(kernels, plan({ rounds: 1, maxUpdateNorm: 5, minCompletion: 0.3 }), new Float32Array(2));
    m.handle({ type: 'start' });
    expect(m.handle(upd(0, 0, [3, 4]))).toEqual([]); // ‖Δ‖ = 5: at the bound, kept
    const refused = m.handle(upd(0, 1, [1e30, 1e30]));
    expect(refused[0]).toMatchObject({
      type: 'rejected',
      reason: expect.stringMatching(/^norm-bound: ‖update‖ = 1\.414e\+30 > /),
    });
    const [s] = summaries(m.handle(upd(0, 2, [3.0001, 4])));
    expect(s.failures.map((f) => f.reason.split(':')[0])).toEqual(['norm-bound', 'norm-bound']);
    expect(Array.from(m.params)).toEqual([3, 4]); // only node 0 aggregated
  });

  it('still names a non-finite update as non-finite with a norm bound (one pass finds both)', () => {
    const { m } = machine(kernels, plan({ rounds: 1, maxUpdateNorm: 5 }), new Float32Array(2));
    m.handle({ type: 'start' });
    expect(m.handle(upd(0, 0, [0, Number.NaN]))).toEqual([]); // a failure, not a rejection: divergence
    m.handle(upd(0, 1, [3e38, 3e38])); // finite, but the squares overflow float32: float64 keeps them
    const [s] = summaries(m.handle(upd(0, 2, [1, 1])));
    expect(s.failures).toEqual([
      { node: 0, reason: 'non-finite: update[1] is NaN' },
      { node: 1, reason: expect.stringMatching(/^norm-bound: ‖update‖ = 4\.243e\+38/) },
    ]);
  });

  it('refuses a round whose stepped model would overflow, leaves the model bits, and fails the run after maxFailedRounds', () => {
    const init = Float32Array.from([3e38, -1]);
    const { m } = machine(kernels, plan(), init.slice());
    const before = new Uint32Array(m.params.buffer.slice(0));
    let closed: RoundSummary[] = [];
    let cmds = m.handle({ type: 'start' });
    for (let round = 0; round < 2; round++) {
      cmds = [0, 1, 2].flatMap((n) => m.handle(upd(round, n, [3e38, 1])));
      closed = [...closed, ...summaries(cmds)];
    }
    expect(closed.map((s) => [s.aggregated, s.refused])).toEqual([
      [false, 'non-finite-aggregate: model[0] would be Infinity'],
      [false, 'non-finite-aggregate: model[0] would be Infinity'],
    ]);
    expect(failureKinds(closed[0].failures, closed[0].refused)).toEqual({ 'non-finite-aggregate': 1 });
    expect(new Uint32Array(m.params.buffer.slice(0))).toEqual(before);
    expect(m.failed).toMatch(/^2 consecutive rounds aggregated nothing \(rounds 0-1\); .*\(non-finite-aggregate: /);
    expect(cmds.at(-1)).toMatchObject({ type: 'finished', failed: m.failed });
  });

  it('refuses an aggregate that is itself non-finite, before the step', () => {
    // The capped mean of finite float32 updates stays within their range; another aggregator may not.
    const overflowing: Aggregator = {
      kind: 'sum',
      quorum: 'plan',
      aggregate(updates, _w, out) {
        out.fill(0);
        for (const u of updates) for (let i = 0; i < out.length; i++) out[i] += u.delta[i];
        return true;
      },
    };
    const optimizer = new ServerOptimizer({ kind: 'fedadam' });
    const p = plan({ rounds: 1, maxFailedRounds: null });
    const m = new RoundMachine(new Float32Array(2), [0, 1, 2], p, optimizer, kernels, Rng.fromSeed(1), {
      aggregator: overflowing,
    });
    m.handle({ type: 'start' });
    m.handle(upd(0, 0, [1, 3e38]));
    m.handle(upd(0, 1, [1, 3e38]));
    const [s] = summaries(m.handle(upd(0, 2, [1, 1])));
    expect(s).toMatchObject({ aggregated: false, refused: 'non-finite-aggregate: aggregate[1] is Infinity' });
    expect(Array.from(m.params)).toEqual([0, 0]);
    expect(optimizer.state()).toEqual({ m: null, v: null }); // the step never ran
  });

  it('restores the adaptive optimizer moments with the model when a step is refused', () => {
    const init = Float32Array.from([0.5, 3.3e38]);
    const { m, optimizer } = machine(kernels, plan({ maxFailedRounds: null }), init.slice(), {
      kind: 'fedavgm',
      lr: 1,
      momentum: 0.9,
    });
    m.handle({ type: 'start' });
    for (const n of [0, 1, 2]) m.handle(upd(0, n, [0.1, -1e30]));
    const state = optimizer.state();
    const params = m.params.slice();
    let closed: RoundSummary[] = [];
    for (const n of [0, 1, 2]) closed = [...closed, ...summaries(m.handle(upd(1, n, [0.1, 3.3e38])))];
    expect(closed[0].refused).toMatch(/^non-finite-aggregate: model\[1\] would be Infinity/);
    expect(optimizer.state()).toEqual(state);
    expect(m.params).toEqual(params);
  });
});
