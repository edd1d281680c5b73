import type { DeltaSink, LocalResult } from '@starling/core';
import type { PreReducedSum } from './round-stream.js';
import type { StreamOffer } from './round-types.js';

/**
 * The inline runtime's pre-reduced streaming mean (McMahan et al. 2017's weighted average, summed as the
 * round's clients train): the client in dispatch slot i, when every slot before it was added, adds
 * p_i·Δ_i into one float64 accumulator in the same pass that writes Δ_i (`DeltaSink`, the fused
 * `sgdDeltaAcc`). The additions are the round stream's own (same weights, same increasing order, same
 * operation), so the machine, having adopted the sum, only rounds it at the close. The chain stops at the
 * first client that did not add a finite update (a failure, an unknown id, a non-finite Δ, an optimizer
 * without the fused step): its update then arrives unclaimed, and the stream adds what it has itself,
 * from the updates it keeps. When the machine reads no Δ of a complete round (`StreamOffer.discardable`)
 * and the clients can train again (`InlineClients.replay`), the clients in the chain only add their Δ
 * and write nothing; a break first writes those Δs (`restore`), so the stream finds every update it
 * keeps in full. One accumulator serves every round.
 */
export class InlineReduction implements PreReducedSum {
  acc = new Float64Array(0);
  private added = 0;
  private size = 0;
  private weights: Float64Array = new Float64Array(0);
  private expected: readonly number[] = [];
  private inUse = false;
  /** Clients may leave Δ unwritten (only added); `restore` writes those Δs when the chain breaks. */
  private discard = false;
  /** Slots whose Δ was only added, not written, in order. */
  private readonly unwritten: number[] = [];

  /**
   * Offers this round's sum to the machine's stream (`offer.adopt`) and returns it, or null when the
   * dispatch order is not the stream's (strictly increasing ids, one weight per node) or the last round's
   * sum was not released.
   * @param nodes the dispatch's nodes, in slot order
   * @param size the model's length P
   * @param canReplay the clients can rebuild a Δ they only added (`InlineClients.replay`)
   */
  open(nodes: readonly number[], offer: StreamOffer, size: number, canReplay: boolean): InlineReduction | null {
    if (this.inUse || offer.weights.length !== nodes.length) return null;
    for (let i = 1; i < nodes.length; i++) if (!(nodes[i] > nodes[i - 1])) return null;
    this.discard = canReplay && offer.discardable;
    this.unwritten.length = 0;
    if (this.acc.length !== size) this.acc = new Float64Array(size);
    else this.acc.fill(0);
    this.added = 0;
    this.size = nodes.length;
    this.weights = offer.weights;
    this.expected = offer.expected;
    this.inUse = true;
    offer.adopt(this);
    return this.inUse ? this : null;
  }

  /** Slot `slot`'s sink when it is next in the chain, else undefined (it adds nothing). */
  sinkFor(slot: number): DeltaSink | undefined {
    if (!this.inUse || slot !== this.added) return undefined;
    return { acc: this.acc, weight: this.weights[slot], ...(this.discard ? { discard: true } : {}) };
  }

  /**
   * Slot `slot` trained with its sink: it joins the sum only if it added a finite update with a finite
   * loss and the expected count (anything else fails it or makes the stream fall back at the close).
   */
  trained(slot: number, r: LocalResult): void {
    if (r.discarded === true) this.unwritten.push(slot);
    const sound = r.added === true && r.finite === true && Number.isFinite(r.trainLoss);
    if (slot === this.added && sound && r.samples === this.expected[slot]) this.added++;
  }

  /**
   * Before the stream may read the round's Δs (slot `slot` did not join the sum: its update arrives
   * unclaimed, or it failed): writes every Δ that was only added, in slot order, with `write(slot)`
   * (training that client again, `InlineClients.replay`), and lets no later client skip writing.
   */
  restore(slot: number, write: (slot: number) => void): void {
    if (slot < this.added) return;
    this.discard = false;
    for (const s of this.unwritten) write(s);
    this.unwritten.length = 0;
  }

  claimed(i: number): boolean {
    return i < this.added;
  }

  complete(): boolean {
    return this.added === this.size;
  }

  release(): void {
    this.inUse = false;
  }
}
