// The inline runtime's pre-reduced mean (packages/server/src/inline-reduction.ts): clients next in the
// stream's order add their weighted update while writing it (sgdDeltaAcc), and the round machine only
// rounds the sum. Against the same run whose clients add nothing (the machine's own streaming mean), on
// both kernel backends: the same model bits after every round, with a diverging client, an unknown id, an
// optimizer without the fused step and FedNova's rescaled update, where the chain must stop or never start.
import {
  ClientExecutor,
  DenseNet,
  freshOptimizerMemory,
  jsKernels,
  type Kernels,
  type LocalPlan,
  Optimizer,
  type OptimizerSpec,
  Rng,
} from '@starling/core';
import { loadBinding, nativeKernels } from '@starling/native';
import { type InlineClients, RoundMachine, runInline, ServerOptimizer } from '@starling/server';
import { describe, expect, it } from 'vitest';

const CLIENTS = 12;
const PER_CLIENT = 7;
const D = 40;

/** Seeded regression data; client `poisoned` gets a NaN feature (its update diverges). */
function dataset(poisoned: number | null) {
  const n = CLIENTS * PER_CLIENT;
  const rng = Rng.fromSeed(11).fork('data');
  const x = new Float32Array(n * D);
  rng.fillNormal(x);
  const y = Float32Array.from({ length: n }, () => rng.normal());
  if (poisoned !== null) x[poisoned * PER_CLIENT * D + 3] = Number.NaN;
  return { x, y, n, d: D, classes: 0 };
}

interface Case {
  readonly poisoned?: number;
  readonly unknown?: number;
  readonly optimizer?: OptimizerSpec;
  readonly local?: Partial<LocalPlan>;
  /** The clients cannot train again (no `replay`): every Δ is written. */
  readonly noReplay?: boolean;
  /** `algorithm.maxUpdateNorm`: the machine reads every Δ. */
  readonly maxNorm?: number;
  /** This client reports one sample more than it has (the stream falls back at the close). */
  readonly miscount?: number;
  /** This client reports a NaN loss with a finite Δ (it fails). */
  readonly nanLoss?: number;
}

/** Counts the calls of one kernel of `k` (a copy of it, the original untouched). */
function counting(k: Kernels, name: 'sgdDeltaAcc' | 'accumulate') {
  const count = { calls: 0 };
  const inner = k[name] as (...a: unknown[]) => unknown;
  const call = (...a: unknown[]) => {
    count.calls++;
    return inner.apply(k, a);
  };
  const kernels = { ...k, [name]: call } as Kernels;
  return { kernels, count };
}

/** Runs 3 rounds of 6 of the 12 clients; `fuse`: the clients offer their backend (they add into the sum). */
async function run(base: Kernels, fuse: boolean, c: Case) {
  const client = counting(base, 'sgdDeltaAcc');
  const server = counting(base, 'accumulate');
  const model = new DenseNet({ inputs: D, hidden: [30], outputs: 1, activation: 'tanh', init: 'xavier' });
  const global = new Float32Array(model.layout.size);
  model.init(global, Rng.fromSeed(5).fork('init'));
  const exec = new ClientExecutor(model, 'mse', client.kernels, dataset(c.poisoned ?? null), {});
  const opt = new Optimizer(c.optimizer ?? { kind: 'sgd', lr: 0.05 }, model.layout.size, client.kernels);
  const memories = Array.from({ length: CLIENTS }, () => freshOptimizerMemory());
  const rngs = Array.from({ length: CLIENTS }, (_, i) => Rng.fromSeed(9).fork('node', i));
  const stepsBefore = new Map<number, number>();
  let [discarded, replays] = [0, 0];
  const train: InlineClients['train'] = (id, g, round, plan, delta, sink) => {
    opt.bind(memories[id]);
    stepsBefore.set(id, memories[id].step);
    const indices = Int32Array.from({ length: PER_CLIENT }, (_, j) => id * PER_CLIENT + j);
    const r = exec.train({ id, indices, rng: rngs[id], optimizer: opt }, g, round, plan, delta, sink);
    if (r.discarded) discarded++;
    if (id === c.miscount) return { ...r, samples: r.samples + 1 };
    if (id === c.nanLoss) return { ...r, trainLoss: Number.NaN };
    return r;
  };
  const clients: InlineClients = {
    has: (id) => id !== c.unknown && id >= 0 && id < CLIENTS,
    train,
    ...(fuse ? { backend: base.backend } : {}),
    ...(c.noReplay
      ? {}
      : {
          replay: (id: number, g: Float32Array, round: number, plan: LocalPlan, delta: Float32Array) => {
            replays++;
            memories[id].step = stepsBefore.get(id)!;
            return train(id, g, round, plan, delta);
          },
        }),
  };
  const plan = {
    rounds: 3,
    participation: { kind: 'count' as const, value: 6 },
    minCompletion: 0.5,
    deadlineMs: null,
    maxClientWeight: 1,
    ...(c.maxNorm ? { maxUpdateNorm: c.maxNorm } : {}),
  };
  const m = new RoundMachine(
    global,
    [...Array(CLIENTS).keys()],
    plan,
    new ServerOptimizer({ kind: 'plain' }),
    server.kernels,
    Rng.fromSeed(3),
    {
      expectedSamples: () => PER_CLIENT,
    },
  );
  const rounds: Uint32Array[] = [];
  const failures: string[] = [];
  await runInline(m, clients, { epochs: 2, batchSize: 4, ...c.local }, (s) => {
    rounds.push(new Uint32Array(m.params.buffer.slice(0)));
    failures.push(...s.failures.map((f) => `${s.round}:${f.node}:${f.reason.split(':')[0]}`));
  });
  return { rounds, failures, fused: client.count.calls, serverAdds: server.count.calls, discarded, replays };
}

const backends: [string, Kernels][] = [
  ['js', jsKernels],
  ['native', nativeKernels(loadBinding())],
];

describe.each(backends)('the inline pre-reduced mean (%s kernels)', (_name, kernels) => {
  it('gives the bits of the machine’s own streaming mean, and the machine adds nothing', async () => {
    const want = await run(kernels, false, {});
    const got = await run(kernels, true, {});
    expect(got.rounds).toEqual(want.rounds);
    expect(got.fused).toBe(18);
    expect(got.serverAdds).toBe(0);
    expect(want.fused).toBe(0);
    expect(want.serverAdds).toBe(18);
    // Nothing forces a Δ to be written: on kernels with sgdDeltaAcc every client only adds it.
    expect(got.discarded).toBe(kernels.sgdDeltaAcc ? 18 : 0);
    expect(got.replays).toBe(0);
  });

  it('writes every Δ when the clients cannot train again or the machine reads them (a norm bound)', async () => {
    for (const c of [{ noReplay: true }, { maxNorm: 1e6 }, { maxNorm: 1e6, poisoned: 4 }] as Case[]) {
      const got = await run(kernels, true, c);
      expect(got.rounds).toEqual((await run(kernels, false, c)).rounds);
      expect(got.discarded).toBe(0);
      if (c.poisoned === undefined) expect(got.serverAdds).toBe(0);
    }
  });

  it('keeps the bits when a client diverges, an id is unknown, or Δ is not final at the step', async () => {
    for (const c of [
      { poisoned: 4 },
      { unknown: 7 },
      { miscount: 5 },
      { nanLoss: 5 },
      { local: { normalizeBySteps: true } },
      { optimizer: { kind: 'momentum', lr: 0.05, momentum: 0.9 } } as Case,
    ]) {
      const want = await run(kernels, false, c);
      const got = await run(kernels, true, c);
      expect(got.rounds).toEqual(want.rounds);
      expect(got.failures).toEqual(want.failures);
    }
    const diverged = await run(kernels, true, { poisoned: 4 });
    expect(diverged.failures.some((f) => f.endsWith(':4:non-finite'))).toBe(true);
    // The clients before the diverging one in its rounds only added their Δ: they were trained again.
    if (kernels.sgdDeltaAcc) expect(diverged.replays).toBeGreaterThan(0);
    expect((await run(kernels, true, { unknown: 7 })).failures.some((f) => f.endsWith(':7:unknown node'))).toBe(true);
    // FedNova rescales Δ after the step: nothing may be added (the sink is not even used).
    expect((await run(kernels, true, { local: { normalizeBySteps: true } })).fused).toBe(0);
  });
});
