import { transferableSymbol, valueSymbol } from 'piscina';
import { describe, expect, it } from 'vitest';
import type { NodeSetup } from './node-setup.js';
import trainTask, { pooledTrainTask, type TrainResult, type TrainTask } from './train-task.js';

const setup: NodeSetup = {
  seed: 11,
  data: { kind: 'synthetic-linear', n: 64, d: 6, noise: 0.1 },
  model: { kind: 'linear' },
  loss: 'mse',
  optimizer: { kind: 'momentum', lr: 0.05, momentum: 0.9 },
  local: { epochs: 1, batchSize: 4 },
  kernels: 'js',
};
const SIZE = 7; // linear model on d = 6: 6 weights and a bias
const global = new Float32Array(new SharedArrayBuffer(4 * SIZE)).map((_, i) => 0.1 * i - 0.3);
const task = (over: Partial<TrainTask> = {}): TrainTask => ({
  setup,
  node: 2,
  indices: Int32Array.from([1, 5, 9, 13, 17, 21, 25, 29]),
  round: 3,
  global,
  state: null,
  ...over,
});
type Moved = { [transferableSymbol]: ArrayBuffer[]; [valueSymbol]: TrainResult };

describe('pooledTrainTask', () => {
  it('writes Δ into the lent shared slot, bit for bit what trainTask returns, and does not transfer the slot', async () => {
    const expected = trainTask(task());
    const out = new Float32Array(new SharedArrayBuffer(4 * SIZE)).fill(Number.NaN);
    const moved = (await pooledTrainTask(task({ out }))) as unknown as Moved;
    const r = moved[valueSymbol];
    expect(r.delta).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(expected.delta));
    expect(out.some((v) => v !== 0)).toBe(true);
    expect(moved[transferableSymbol]).not.toContain(out.buffer);
  });

  it('transfers a fresh Δ and the optimizer state copies, which carry the node on exactly', async () => {
    const first = (await pooledTrainTask(task())) as unknown as Moved;
    const r = first[valueSymbol];
    const transferred = first[transferableSymbol];
    expect(transferred).toContain(r.delta.buffer);
    const velocity = r.state.slots[0] as Float32Array;
    expect(transferred).toContain(velocity.buffer);
    expect(new Set(transferred).size).toBe(transferred.length);
    // The next round from the carried state equals the plain entry's second round.
    const plain = trainTask(task({ round: 4, state: trainTask(task()).state }));
    const next = ((await pooledTrainTask(task({ round: 4, state: r.state }))) as unknown as Moved)[valueSymbol];
    expect(Array.from(next.delta)).toEqual(Array.from(plain.delta));
  });
});
