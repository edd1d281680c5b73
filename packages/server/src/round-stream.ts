import { errors, type Kernels } from '@starling/core';
import type { AggregateStream, Aggregator } from './aggregators/aggregator.js';
import type { StreamOffer } from './round-types.js';
import { cappedWeights } from './weights.js';

/**
 * A round's weighted sum done outside the round machine, in the machine's order and weights: the pool
 * threads of an in-process host add each Δ into a shared float64 accumulator (`SharedReduction` of
 * @starling/transport). The machine adopts it through {@link RoundStream.adopt} and, if every update
 * then arrives as promised, only rounds it at the close.
 */
export interface PreReducedSum {
  /** Σ_i p_i·Δ_i in float64, added from zero in increasing order index (the stream's order). */
  readonly acc: Float64Array;
  /**
   * `acc` rounded to float32 by whoever added the last Δs (optional; valid once {@link complete}): the
   * close copies it instead of rounding `acc` itself (the same bits: to nearest, ties to even).
   */
  readonly mean?: Float32Array;
  /** Whether the update of order index `i` is (or will be, before its round's last update arrives) in `acc`. */
  claimed(i: number): boolean;
  /** Every order index was added, in order. */
  complete(): boolean;
  /**
   * The round closed: the machine reads `acc` no more, and whatever else the sum's memory holds for the
   * round (the processes runtime's slot: the round's model) may be reused once the hosts let go too.
   */
  release(): void;
}

/**
 * One round's streaming aggregation (see `Aggregator.stream`): the selected nodes in increasing id order,
 * the sample count each is expected to report (its partition size) and the capped weights of those
 * counts, fixed at the round's open. As replies come in, every update whose lower-id predecessors have
 * all arrived is added at once, so the reduction runs while later nodes still train. The stream stays
 * usable only while every reply matches its expected count and no selected node fails; then, once all
 * are added, its result is exactly `aggregate`'s over the same replies (same updates, same order, same
 * weights). Anything else (a failure, a deadline, an unexpected count) leaves it incomplete and the round
 * machine aggregates at the close as before.
 *
 * Pre-reduced ({@link adopt}): the additions are someone else's (same operation, same order, same
 * weights), so the stream only follows the replies; an update that arrives unclaimed by the pre-reduced
 * sum drops it, and the updates so far are added here instead, so the result is the same either way.
 */
export class RoundStream {
  private next = 0;
  private valid = true;
  private readonly index = new Map<number, number>();
  /** The pre-reduced sum the stream follows, or null (none, or dropped). */
  private pre: PreReducedSum | null = null;
  /** The sum offered to this round ({@link adopt}), held until {@link close} even when unused or dropped. */
  private adopted: PreReducedSum | null = null;

  /**
   * @param order the selected nodes, increasing id order
   * @param samples the count each node in `order` is expected to report
   * @param weights the capped weights of `samples` (what `cappedWeights` gives for them)
   */
  constructor(
    private readonly order: readonly number[],
    readonly samples: readonly number[],
    readonly weights: Float64Array,
    private readonly sink: AggregateStream,
  ) {
    for (const [i, node] of order.entries()) this.index.set(node, i);
  }

  /** True once every selected node's update was added with its expected count. */
  get complete(): boolean {
    return this.valid && this.next === this.order.length && (this.pre === null || this.pre.complete());
  }

  /**
   * What the dispatch offers the runtime (`dispatch.reduce`): the weights and expected counts, whether a
   * complete round's Δs may go unwritten, and {@link adopt}.
   * @param backend the machine's kernel backend
   * @param discardable the machine reads no Δ it was vouched finite (no norm bound)
   */
  dispatchOffer(backend: Kernels['backend'], discardable: boolean): StreamOffer {
    return { weights: this.weights, expected: this.samples, backend, discardable, adopt: (sum) => this.adopt(sum) };
  }

  /**
   * Takes `sum` as this round's additions; only before the first reply (otherwise it goes unused). Either
   * way `sum` is held until {@link close}, never released earlier: in the processes runtime its slot also
   * carries the round's model, which a host that has not read its task yet still needs (a hold dropped
   * mid-round let the slot look closed to that host, whose nodes then failed with `stale-model`).
   */
  adopt(sum: PreReducedSum): void {
    if (this.adopted !== null) {
      sum.release(); // a second offer for one round: the first stays
      return;
    }
    this.adopted = sum;
    if (this.next === 0 && this.valid) this.pre = sum;
  }

  /**
   * Records that `node` replied with `samples` and adds every update that is now next in id order.
   * @param deltaOf the accepted update of a node so far, or undefined
   */
  offer(node: number, samples: number, deltaOf: (node: number) => Float32Array | undefined): void {
    const i = this.index.get(node);
    if (i === undefined || samples !== this.samples[i]) this.valid = false;
    if (!this.valid) return;
    if (this.pre && !this.pre.claimed(i ?? -1)) this.dropPreReduced(deltaOf);
    for (let d = deltaOf(this.order[this.next]); d !== undefined; d = deltaOf(this.order[this.next])) {
      if (this.pre === null) this.sink.add(d, this.weights[this.next]);
      if (++this.next === this.order.length) return;
    }
  }

  /** A selected node failed or will not reply: the stream cannot be the round's aggregate any more. */
  abandon(): void {
    this.valid = false;
  }

  /** Writes the aggregate into `out`; only when {@link complete}. */
  finish(out: Float32Array): void {
    if (!this.complete) throw errors.runtime('round stream finished before every update was added');
    if (this.pre) out.set(this.pre.mean ?? this.pre.acc);
    else this.sink.finish(out);
  }

  /** The round closed: a pre-reduced sum is released (its accumulator may be reused). */
  close(): void {
    this.adopted?.release();
    this.adopted = null;
    this.pre = null;
    this.valid = false;
  }

  /**
   * The pre-reduced sum will not have every update: the updates followed so far are added here now. The
   * sum stays held until {@link close} (see {@link adopt}).
   */
  private dropPreReduced(deltaOf: (node: number) => Float32Array | undefined): void {
    this.pre = null;
    for (let j = 0; j < this.next; j++) {
      const d = deltaOf(this.order[j]);
      if (d === undefined) throw errors.runtime(`round stream lost the update of node ${this.order[j]}`);
      this.sink.add(d, this.weights[j]);
    }
  }
}

/**
 * The streaming aggregation of a round whose `selected` nodes (increasing id order) report the counts
 * `expected` gives: null without `expected`, when the aggregator has no stream or a count is unknown
 * (negative, not finite).
 * @param size the model's length P
 * @param cap `algorithm.maxClientWeight`, the cap of the weights (`cappedWeights`)
 */
export function openRoundStream(
  selected: readonly number[],
  expected: ((node: number) => number) | undefined,
  aggregator: Aggregator,
  kernels: Kernels,
  size: number,
  cap: number,
): RoundStream | null {
  if (!expected || !aggregator.stream) return null;
  const samples = selected.map((n) => expected(n));
  if (!samples.every((s) => Number.isFinite(s) && s >= 0)) return null;
  const sink = aggregator.stream(kernels, size);
  if (!sink) return null;
  return new RoundStream(selected, samples, cappedWeights(samples, cap), sink);
}
