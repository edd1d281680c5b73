import { compressKernelsOf, errors, type Kernels } from '@starling/core';
import type { ServerOptimizer } from '../server-optimizer.js';
import { cappedWeights } from '../weights.js';
import type { AppliedUpdate, ArrivedUpdate, AsyncRule } from './async-rule.js';
import { type StalenessSpec, stalenessWeight } from './staleness.js';

/** What FedBuff needs besides its buffer size. */
export interface FedBuffOptions {
  /** K ≥ 1: updates buffered before the server steps. */
  readonly bufferSize: number;
  readonly staleness: StalenessSpec;
  /** The server optimizer the flushed mean is applied with (`algorithm.serverOptimizer`). */
  readonly optimizer: ServerOptimizer;
  /** `algorithm.maxClientWeight` (cap on one update's share p_k). */
  readonly maxClientWeight: number;
  readonly kernels: Kernels;
}

/**
 * FedBuff (Nguyen et al. 2022, "Federated Learning with Buffered Asynchronous Aggregation", Algorithm 1):
 * arriving updates Δ_k go into a buffer; when it holds K, the server computes
 * Δ̄ = Σ_k p_k·s(τ_k)·Δ_k with FedAvg's sample weights p_k = n_k / Σ n_j (capped by `maxClientWeight`) and
 * Xie et al.'s staleness weight s, applies it with the server optimizer (x ← x + lr·Δ̄ for `plain`) and
 * empties the buffer. The sum runs in client-id order (ties: arrival order) with `kernels.weightedSum`, so
 * with s ≡ 1 and every client of a synchronous round in the buffer it is synchronous FedAvg's step, bit
 * for bit. One flush is one server update; a non-finite aggregate is refused (the model stays).
 */
export function fedBuffRule(o: FedBuffOptions): AsyncRule {
  if (!(Number.isInteger(o.bufferSize) && o.bufferSize >= 1))
    throw errors.option('algorithm.bufferSize', 'an integer ≥ 1', o.bufferSize);
  const buffer: ArrivedUpdate[] = [];
  const arrival = new Map<ArrivedUpdate, number>();
  let seq = 0;
  let out: Float32Array | null = null;
  const scan = compressKernelsOf(o.kernels).firstNonFinite;
  return {
    kind: 'fedbuff',
    readsDispatchModel: false,
    holding: buffer,
    atDispatch() {},
    hold(updates) {
      for (const u of updates) {
        buffer.push(u);
        arrival.set(u, seq++);
      }
    },
    arrive(u, model): AppliedUpdate | null {
      buffer.push(u);
      arrival.set(u, seq++);
      if (buffer.length < o.bufferSize) return null;
      const held = buffer.splice(0).sort((a, b) => a.client - b.client || arrival.get(a)! - arrival.get(b)!);
      arrival.clear();
      const p = cappedWeights(
        held.map((h) => h.samples),
        o.maxClientWeight,
      );
      const weights = held.map((h, i) => p[i] * stalenessWeight(o.staleness, h.staleness));
      if (out?.length !== model.length) out = new Float32Array(model.length);
      o.kernels.weightedSum(
        weights,
        held.map((h) => h.vector),
        out,
      );
      const refused = o.optimizer.applyFinite(model, out, scan);
      const samples = held.reduce((s, h) => s + h.samples, 0);
      const loss = samples > 0 ? held.reduce((s, h) => s + h.samples * h.trainLoss, 0) / samples : null;
      return { staleness: held.map((h) => h.staleness), samples, trainLoss: loss, refused };
    },
  };
}
