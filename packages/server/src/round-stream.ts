import { errors } from '@starling/core';
import type { AggregateStream } from './aggregators/aggregator.js';

/**
 * One round's streaming aggregation (see `Aggregator.stream`): the selected nodes in increasing id order,
 * the sample count each is expected to report (its partition size) and the capped weights of those
 * counts, fixed at the round's open. As replies come in, every update whose lower-id predecessors have
 * all arrived is added at once, so the reduction runs while later nodes still train. The stream stays
 * usable only while every reply matches its expected count and no selected node fails; then, once all
 * are added, its result is exactly `aggregate`'s over the same replies (same updates, same order, same
 * weights). Anything else (a failure, a deadline, an unexpected count) leaves it incomplete and the round
 * machine aggregates at the close as before.
 */
export class RoundStream {
  private next = 0;
  private valid = true;
  private readonly index = new Map<number, number>();

  /**
   * @param order the selected nodes, increasing id order
   * @param samples the count each node in `order` is expected to report
   * @param weights the capped weights of `samples` (what `cappedWeights` gives for them)
   */
  constructor(
    private readonly order: readonly number[],
    private readonly samples: readonly number[],
    private readonly weights: Float64Array,
    private readonly sink: AggregateStream,
  ) {
    for (const [i, node] of order.entries()) this.index.set(node, i);
  }

  /** True once every selected node's update was added with its expected count. */
  get complete(): boolean {
    return this.valid && this.next === this.order.length;
  }

  /**
   * Records that `node` replied with `samples` and adds every update that is now next in id order.
   * @param deltaOf the accepted update of a node so far, or undefined
   */
  offer(node: number, samples: number, deltaOf: (node: number) => Float32Array | undefined): void {
    const i = this.index.get(node);
    if (i === undefined || samples !== this.samples[i]) this.valid = false;
    if (!this.valid) return;
    for (let d = deltaOf(this.order[this.next]); d !== undefined; d = deltaOf(this.order[this.next])) {
      this.sink.add(d, this.weights[this.next]);
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
    this.sink.finish(out);
  }
}
