import { describe, expect, it } from 'vitest';
import { partition } from '../data/partition/partition.js';
import { jsKernels } from '../kernels/js.js';
import { makeModel } from '../models/make-model.js';
import { freshOptimizerMemory, Optimizer } from '../optim/optimizer.js';
import { Rng } from '../rng/rng.js';
import type { TrainingData } from '../train/batch.js';
import { ClientExecutor } from '../train/client-executor.js';
import type { LocalPlan } from '../train/local-training.js';
import { flipLabels } from './flip-labels.js';
import type { NodeAdversary } from './node-adversary.js';
import { makeNodeExecutor } from './node-executor.js';
import { drawParticipants } from './participants.js';

const seed = 9;
const data: TrainingData = (() => {
  const rng = Rng.fromSeed(7);
  const n = 120;
  const d = 5;
  const x = new Float32Array(n * d);
  rng.fillNormal(x);
  const y = Int32Array.from({ length: n }, () => rng.int(4));
  return { x, y, n, d, classes: 4 };
})();
const model = makeModel({ kind: 'mlp', hidden: [6], activation: 'tanh' }, data.d, 4, 'softmax_ce');
const global = new Float32Array(model.layout.size);
model.init(global, Rng.fromSeed(1).fork('init'));
const optimizer = { kind: 'sgd', lr: 0.1 } as const;
const plan: LocalPlan = { epochs: 1, batchSize: 4 };
const clients = 10;
const parts = partition({ kind: 'iid' }, data.y, clients, Rng.fromSeed(seed));
const byzantine = [2, 7];

function adversary(over: Partial<NodeAdversary>): NodeAdversary {
  return {
    byzantine,
    attack: { kind: 'sign_flip', scale: 3 },
    knowledge: 'local',
    path: 'federated',
    reference: { clients, partition: { kind: 'iid' }, participation: { kind: 'fraction', value: 0.6 } },
    ...over,
  };
}

/** Node `id`'s update as an honest node computes it alone, from a fresh optimizer. */
function honestDelta(id: number, round: number, on: TrainingData = data): Float32Array {
  const executor = new ClientExecutor(model, 'softmax_ce', jsKernels, on);
  const opt = new Optimizer(optimizer, model.layout.size, jsKernels);
  opt.bind(freshOptimizerMemory());
  const delta = new Float32Array(model.layout.size);
  const rng = Rng.fromSeed(seed).fork('node', id);
  executor.train({ id, indices: parts[id], rng, optimizer: opt }, global, round, plan, delta);
  return delta;
}

function attacked(a: NodeAdversary, id: number, round: number): Float32Array {
  const executor = makeNodeExecutor({
    seed,
    model,
    loss: 'softmax_ce',
    optimizer,
    kernels: jsKernels,
    data,
    adversary: a,
  });
  const opt = new Optimizer(optimizer, model.layout.size, jsKernels);
  const delta = new Float32Array(model.layout.size);
  const rng = Rng.fromSeed(seed).fork('node', id);
  executor.train({ id, indices: parts[id], rng, optimizer: opt }, global, round, plan, delta);
  return delta;
}

describe('AdversarialExecutor', () => {
  it('leaves honest nodes exactly as without an adversary', () => {
    expect(attacked(adversary({}), 3, 0)).toEqual(honestDelta(3, 0));
  });

  it('a sign flipper sends exactly −scale times its honest update', () => {
    const own = honestDelta(7, 1);
    const sent = attacked(adversary({}), 7, 1);
    for (let i = 0; i < own.length; i++) expect(sent[i]).toBe(Math.fround(-3 * own[i]));
  });

  it('an omniscient IPM node sends −ε times the mean of the round’s honest participants, recomputed', () => {
    const round = 4;
    const drawn = drawParticipants(
      Array.from({ length: clients }, (_, i) => i),
      { kind: 'fraction', value: 0.6 },
      Rng.fromSeed(seed).fork('server').fork('participants', round),
    );
    const honest = drawn.filter((id) => !byzantine.includes(id)).map((id) => honestDelta(id, round));
    expect(honest.length).toBeGreaterThan(1);
    const sent = attacked(adversary({ attack: { kind: 'ipm', epsilon: 0.5 }, knowledge: 'omniscient' }), 2, round);
    for (let i = 0; i < sent.length; i++) {
      const mean = honest.reduce((s, d) => s + d[i], 0) / honest.length;
      expect(sent[i]).toBeCloseTo(-0.5 * mean, 6);
    }
  });

  it('local ALIE uses only the Byzantine participants’ own updates', () => {
    const round = 0;
    const drawn = drawParticipants(
      Array.from({ length: clients }, (_, i) => i),
      { kind: 'fraction', value: 1 },
      Rng.fromSeed(seed).fork('server').fork('participants', round),
    );
    expect(drawn).toHaveLength(clients);
    const a = adversary({
      attack: { kind: 'alie' },
      z: 1,
      reference: { clients, partition: { kind: 'iid' }, participation: { kind: 'fraction', value: 1 } },
    });
    const [d2, d7] = byzantine.map((id) => honestDelta(id, round));
    const sent = attacked(a, 7, round);
    for (let i = 0; i < sent.length; i++) {
      const mu = (d2[i] + d7[i]) / 2;
      expect(sent[i]).toBeCloseTo(mu - Math.abs(d2[i] - d7[i]) / 2, 6);
    }
  });

  it('label flipping trains on y → C − 1 − y and sends that update unchanged', () => {
    const flipped = flipLabels(data);
    for (let i = 0; i < data.n; i++) expect(flipped.y[i]).toBe(3 - data.y[i]);
    expect(flipped.x).toBe(data.x);
    const sent = attacked(adversary({ attack: { kind: 'label_flip' } }), 2, 3);
    expect(sent).toEqual(honestDelta(2, 3, flipped));
    expect(sent).not.toEqual(honestDelta(2, 3));
  });

  it('on the gossip path only label flipping acts in training', () => {
    expect(attacked(adversary({ path: 'gossip' }), 7, 1)).toEqual(honestDelta(7, 1));
  });
});
