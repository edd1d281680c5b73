import { type Compressor, errors, type Rng } from '@starling/core';

/** What one CHOCO peer sends in a round: the encoder's payload and its size as the paper counts it. */
export interface ChocoMessage {
  readonly payload: Uint8Array;
  readonly theoreticalBits: number;
}

/**
 * A {@link ChocoCopies} at a round boundary, for checkpoints: every copy x̂_j (float32, the model's
 * length) with the number of rounds added to it, the payloads that wait for a missing earlier round,
 * the broken copies and the compressor's own state (PowerSGD warm starts; empty for the others).
 * The compression stream needs no position: it is forked per round, never advanced.
 */
export type ChocoCopiesState = {
  readonly copies: readonly { readonly node: number; readonly applied: number; readonly hat: Float32Array }[];
  readonly pending: readonly { readonly node: number; readonly round: number; readonly q: Float32Array }[];
  readonly broken: readonly number[];
  readonly compressor: Readonly<Record<string, Float32Array>>;
};

/**
 * The public copies x̂_j one CHOCO-Gossip peer keeps of itself and of its in-neighbours (Koloskova,
 * Stich, Jaggi 2019, "Decentralized Stochastic Optimization and Gossip Algorithms with Compressed
 * Communication", Algorithms 1 and 2). All copies start at 0. Per round t the peer sends
 * q_i = C(v_i − x̂_i) (v_i the value it gossips), every holder of a copy of x̂_j adds q_j to it, and
 * the peer moves v_i by γ Σ_j W_ij (x̂_j − x̂_i).
 *
 * Copies stay bit-identical across peers because each one is the same float32 sum x̂_j = Σ_{s≤t} q_j^s
 * taken in round order: a received q_j^s waits in `pending` until every earlier q_j has been added.
 * A copy missing some q_j (still in flight, or lost) is not current and is left out of the consensus
 * step; when the missing q arrives late it is added in order and the copy is current again. A copy that
 * can never be completed (a malformed payload, or a payload too far ahead) is `broken` for the rest of
 * the run: it is never used again, so no peer ever mixes an inconsistent copy.
 */
export class ChocoCopies {
  private readonly hat = new Map<number, Float32Array>();
  /** Number of rounds whose q_j has been added to x̂_j (the next round to add). */
  private readonly applied = new Map<number, number>();
  private readonly pending = new Map<number, Map<number, Float32Array>>();
  private readonly broken = new Set<number>();

  constructor(
    private readonly node: number,
    private readonly neighbours: readonly number[],
    private readonly compressor: Compressor,
    /** This peer's compression stream, `Rng.fromSeed(seed).fork('compress-gossip', node)`. */
    private readonly rng: Rng,
    private readonly maxAhead: number,
    /** Factor on every decoded q (1, or 1/τ for unbiased compressors; see `chocoScale`). */
    private readonly scale = 1,
  ) {
    for (const j of [node, ...neighbours]) {
      this.hat.set(j, new Float32Array(compressor.size));
      this.applied.set(j, 0);
    }
  }

  /** The copy x̂_j (read-only for callers). */
  copy(j: number): Float32Array {
    return this.hat.get(j) as Float32Array;
  }

  /** True when x̂_j can never be completed again (it is no longer waited for nor used). */
  isBroken(j: number): boolean {
    return this.broken.has(j);
  }

  /** True when q_j of `round` has arrived (added or pending). */
  hasRound(j: number, round: number): boolean {
    return (this.applied.get(j) ?? 0) > round || (this.pending.get(j)?.has(round) ?? false);
  }

  /** True when x̂_j holds exactly q_j of rounds 0..round, as its owner's own copy does after `round`. */
  isCurrent(j: number, round: number): boolean {
    return !this.broken.has(j) && this.applied.get(j) === round + 1;
  }

  /** Encodes q_i = C(value − x̂_i) for `round` and adds the decoded q_i to the own copy x̂_i. */
  encode(value: Float32Array, round: number): ChocoMessage {
    const own = this.copy(this.node);
    const diff = new Float32Array(own.length);
    for (let k = 0; k < diff.length; k++) diff[k] = value[k] - own[k];
    const enc = this.compressor.compress(diff, { rng: this.rng, round });
    const q = this.scaled(this.compressor.decompress(enc.bytes));
    for (let k = 0; k < own.length; k++) own[k] += q[k];
    this.applied.set(this.node, round + 1);
    return { payload: enc.bytes, theoreticalBits: enc.theoreticalBits };
  }

  /**
   * Takes neighbour j's round-`round` payload: decodes and holds it until its turn. Returns null when
   * kept (or a harmless duplicate), or why it was refused; a refused payload breaks x̂_j for good.
   */
  accept(j: number, round: number, payload: Uint8Array, currentRound: number): string | null {
    if (!this.applied.has(j) || j === this.node) return `node ${j} is not a neighbour`;
    if (this.broken.has(j)) return null;
    if (this.hasRound(j, round)) return null;
    let reason: string | null = null;
    let q: Float32Array | null = null;
    if (round - Math.max(currentRound, 0) > this.maxAhead) reason = `round ${round} is too far ahead`;
    else {
      try {
        q = this.scaled(this.compressor.decompress(payload));
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
    }
    if (q === null) {
      this.broken.add(j);
      this.pending.delete(j);
      return reason;
    }
    let box = this.pending.get(j);
    if (!box) this.pending.set(j, (box = new Map()));
    box.set(round, q);
    return null;
  }

  /** q scaled in place (float32, the same bits at sender and receivers). */
  private scaled(q: Float32Array): Float32Array {
    if (this.scale !== 1) for (let k = 0; k < q.length; k++) q[k] *= this.scale;
    return q;
  }

  /** Adds every held q_j of rounds ≤ `round` to x̂_j, in round order, as far as no round is missing. */
  advance(round: number): void {
    for (const j of this.neighbours) {
      const box = this.pending.get(j);
      let next = this.applied.get(j) as number;
      const h = this.copy(j);
      while (box && next <= round) {
        const q = box.get(next);
        if (!q) break;
        for (let k = 0; k < h.length; k++) h[k] += q[k];
        box.delete(next);
        next++;
      }
      this.applied.set(j, next);
    }
  }

  /**
   * The consensus step v_i + γ Σ_{j∈heard} w_j (x̂_j − x̂_i), summed in node-id order in float64 and
   * stored as float32. `weights` are the receive weights W_ij of `heard` (ascending node ids), already
   * renormalized by the caller when some neighbour was left out.
   */
  step(value: Float32Array, gamma: number, heard: readonly number[], weights: readonly number[]): Float32Array {
    const own = this.copy(this.node);
    const copies = heard.map((j) => this.copy(j));
    const out = new Float32Array(value.length);
    for (let k = 0; k < out.length; k++) {
      let s = 0;
      for (let m = 0; m < copies.length; m++) s += weights[m] * (copies[m][k] - own[k]);
      out[k] = value[k] + gamma * s;
    }
    return out;
  }

  /**
   * The state after round `round` (copies are fresh arrays: x̂ is written in place later). Payloads of
   * later rounds are left out: after a restore their senders send them again.
   */
  snapshot(round: number): ChocoCopiesState {
    const pending: { node: number; round: number; q: Float32Array }[] = [];
    for (const [node, box] of this.pending)
      for (const [r, q] of box) if (r <= round) pending.push({ node, round: r, q: q.slice() });
    return {
      copies: [...this.hat].map(([node, hat]) => ({
        node,
        applied: this.applied.get(node) as number,
        hat: hat.slice(),
      })),
      pending: pending.sort((a, b) => a.node - b.node || a.round - b.round),
      broken: [...this.broken].sort((a, b) => a - b),
      compressor: this.compressor.state(),
    };
  }

  /** Puts back a {@link snapshot} of a peer with the same node, neighbours and compressor. */
  restore(s: ChocoCopiesState): void {
    const bad = (why: string) => errors.data('checkpoint', `CHOCO copies of node ${this.node}: ${why}`);
    const want = [...this.hat.keys()].sort((a, b) => a - b);
    const got = s.copies.map((c) => c.node).sort((a, b) => a - b);
    if (want.join() !== got.join()) throw bad(`copies of nodes [${got}], expected [${want}]`);
    for (const c of s.copies) {
      if (c.hat.length !== this.compressor.size)
        throw bad(`x̂_${c.node} has ${c.hat.length} entries, expected ${this.compressor.size}`);
      (this.hat.get(c.node) as Float32Array).set(c.hat);
      this.applied.set(c.node, c.applied);
    }
    this.pending.clear();
    for (const p of s.pending) {
      if (!this.hat.has(p.node) || p.q.length !== this.compressor.size)
        throw bad(`a pending payload of node ${p.node}`);
      let box = this.pending.get(p.node);
      if (!box) this.pending.set(p.node, (box = new Map()));
      box.set(p.round, p.q.slice());
    }
    this.broken.clear();
    for (const j of s.broken) this.broken.add(j);
    this.compressor.load(s.compressor);
  }
}
