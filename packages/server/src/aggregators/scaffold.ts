import type { AggregationContext, Aggregator, AggregatorState } from './aggregator.js';
import { stepsOf } from './fednova.js';

/**
 * The server control variate c of SCAFFOLD, shared by the aggregator that updates it and the runtime
 * that sends it to the round's participants (model length; zero before the first round).
 */
export interface ScaffoldControl {
  readonly c: Float32Array;
}

/** What {@link withScaffold} needs besides the inner aggregator. */
export interface ScaffoldOptions {
  /**
   * q_i: client i's share of the objective Σ_i q_i f_i over all N clients (n_i / Σ_j n_j; 1/N in the
   * paper), Σ_i q_i = 1. A client that never took part has c_i = 0.
   */
  readonly share: (node: number) => number;
  /** η: the clients' constant local SGD learning rate. */
  readonly lr: number;
  readonly control: ScaffoldControl;
}

/**
 * SCAFFOLD's server side (Karimireddy, Kale, Mohri, Reddi, Stich, Suresh 2020, option II control
 * variates). Nodes train with g − c_i + c and send Δy_k = y_k − x; `inner` aggregates the Δy_k into the
 * pseudo-gradient that the server optimizer applies (x ← x + η_g·Δx). The control variate is updated
 * from the same updates: with option II, Δc_k = c_k⁺ − c_k = −c − Δy_k / (τ_k η), so the server derives
 * Δc_k from the Δy_k it decoded (nothing else is sent) and sets
 * c ← c + Σ_{k∈S} q_k Δc_k = (1 − Σ_{k∈S} q_k)·c − Σ_{k∈S} q_k Δy_k / (τ_k η)
 * with each client's share q_k of the objective: with equal shares 1/N this is the paper's
 * c + (|S|/N)·mean_S Δc_k, and in general it keeps c = Σ_i q_i c_i under any participation, so the
 * fixed point is the optimum of Σ_i q_i f_i.
 * c is the aggregator's checkpointed state (`control`). Not streamed; client-level DP cannot wrap it.
 */
export function withScaffold(inner: Aggregator, o: ScaffoldOptions): Aggregator {
  const { c } = o.control;
  let sum: Float32Array | null = null;
  return {
    kind: `scaffold(${inner.kind})`,
    quorum: inner.quorum,
    clientDpRefusal:
      'SCAFFOLD updates the control variate c, which every client receives, from the unclipped, un-noised updates',
    state(): AggregatorState {
      return { ...(inner.state?.() ?? {}), control: c.slice() };
    },
    load(s: AggregatorState): void {
      const { control, ...rest } = s;
      if (control) c.set(control);
      inner.load?.(rest);
    },
    aggregate(updates, weights: Float64Array, out: Float32Array, ctx: AggregationContext): boolean {
      const tau = stepsOf(updates, 'scaffold');
      if (!inner.aggregate(updates, weights, out, ctx)) return false;
      if (sum?.length !== c.length) sum = new Float32Array(c.length);
      sum.fill(0);
      let share = 0;
      for (let k = 0; k < updates.length; k++) {
        const qk = o.share(updates[k].node);
        share += qk;
        ctx.kernels.axpy(qk / (tau[k] * o.lr), updates[k].delta, sum);
      }
      ctx.kernels.scale(1 - share, c);
      ctx.kernels.axpy(-1, sum, c);
      return true;
    },
  };
}
