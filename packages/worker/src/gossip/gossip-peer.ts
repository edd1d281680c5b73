import type { MixingRow } from '@starling/topologies';
import type { GossipPeerOptions } from './gossip-peer-options.js';
import type { PeerCommand, PeerEvent, PeerRoundReport } from './peer-events.js';
import { mixRound } from './peer-mix.js';

const EMPTY = new Uint8Array(0);

/**
 * One gossip peer's synchronous round logic as a state machine with no I/O (events in, commands out),
 * shared by the in-memory and the ZeroMQ drivers so both compute the same bits. Round t, with W_t =
 * `topology.at(t)` and this node's receive row: send the value (x for `cta` and `consensus`; ψ = x + Δ
 * after training for `atc`) to the node's receivers, wait for every in-neighbour's round-t value until
 * the deadline, then mix them (node-id order). A neighbour that is silent at the deadline, or known lost,
 * is left out and the remaining weights, self weight included, are renormalized. Messages for later
 * rounds are buffered; those for finished rounds are discarded and counted.
 *
 * With `choco` (CHOCO-SGD, Koloskova, Stich, Jaggi 2019, Algorithm 2 for `atc`) the peer sends
 * q_i = C(v_i − x̂_i) instead of v_i, adds every q_j to its copy x̂_j in round order, and ends the round
 * with x_i ← v_i + γ Σ_j W_ij (x̂_j − x̂_i) (+ Δ_i for `cta`), over the neighbours whose copy is
 * current, weights renormalized as above when some are left out (see `ChocoCopies`). Late payloads
 * are not discarded: they complete the sender's copy, which is used again from the next round on.
 *
 * With `granted`, the peer finishes round t and stands still until a `proceed` event grants round
 * t + 1 (messages of t + 1 that arrive meanwhile are kept): its state is then the state between rounds
 * that a checkpoint captures (`params`, and the CHOCO copies).
 */
export class GossipPeer {
  readonly node: number;
  private x: Float32Array;
  private round = -1;
  private value: Float32Array | null = null;
  /** A rushing Byzantine peer's value waits here until its honest in-neighbours have spoken. */
  private rushed: Float32Array | null = null;
  private delta: Float32Array | null = null;
  private training = false;
  private held = false;
  private granted: number;
  private trainLoss: number | null = null;
  private steps = 0;
  private late = 0;
  private refused = 0;
  private payloadBytes = 0;
  private theoreticalBits = 0;
  private readonly got = new Map<number, Float32Array | Uint8Array>();
  private readonly timedOut = new Set<number>();
  private readonly lost = new Set<number>();
  /** Lost neighbours that gossip again from a given round on (a replacement host), by node id. */
  private readonly returning = new Map<number, number>();
  private readonly future = new Map<number, Map<number, Float32Array>>();

  constructor(private readonly o: GossipPeerOptions) {
    this.node = o.node;
    this.x = o.initial;
    this.granted = o.granted ?? Number.POSITIVE_INFINITY;
  }

  /** The current model x_i (replaced, never written in place, at each round's end). */
  get params(): Float32Array {
    return this.x;
  }

  /** The round in progress (−1 before `start`, `rounds` when finished). */
  get currentRound(): number {
    return this.round;
  }

  get finished(): boolean {
    return this.round >= this.o.rounds;
  }

  /**
   * The last completed round while the peer stands between two rounds (held by `granted`, or
   * finished), else null: `params` and the CHOCO copies then hold the state after that round.
   */
  get boundary(): number | null {
    return this.held || (this.finished && this.round > 0) ? this.round - 1 : null;
  }

  /**
   * The last round this peer finishes before it stands still: the granted round (after a `hold`, the
   * round it was in), at most the last round of the run.
   */
  get holdsAfter(): number {
    return Math.min(this.granted, this.o.rounds - 1);
  }

  handle(e: PeerEvent): PeerCommand[] {
    const out: PeerCommand[] = [];
    switch (e.type) {
      case 'start':
        if (this.round !== -1) return out;
        this.round = this.o.from ?? 0;
        if (this.finished) return [{ type: 'finished', rounds: this.round }];
        this.beginIfGranted(out);
        break;
      case 'proceed':
        this.granted = Math.max(this.granted, e.round);
        if (this.held) this.beginIfGranted(out);
        break;
      case 'trained':
        if (e.round !== this.round || !this.training) return out;
        this.training = false;
        this.trainLoss = e.trainLoss;
        this.steps = e.steps;
        if (this.o.algorithm.kind === 'dpsgd' && this.o.algorithm.order === 'cta') this.delta = e.delta;
        else {
          const psi = new Float32Array(this.x.length);
          for (let k = 0; k < psi.length; k++) psi[k] = this.x[k] + e.delta[k];
          this.send(psi, out);
        }
        break;
      case 'received':
        if (this.o.choco) this.receiveChoco(e.round, e.from, e.value, out);
        else if (e.value instanceof Float32Array) this.receive(e.round, e.from, e.value);
        else this.late++;
        break;
      case 'deadline':
        if (e.round !== this.round) return out;
        for (const { node } of this.inNeighbours()) if (!this.got.has(node)) this.timedOut.add(node);
        break;
      case 'hold':
        this.granted = Math.min(this.granted, Math.max(this.round, this.o.from ?? 0));
        break;
      case 'neighbour-lost':
        this.lost.add(e.node);
        this.returning.delete(e.node);
        break;
      case 'neighbour-back':
        if (e.from !== undefined && e.from > this.round) this.returning.set(e.node, e.from);
        else this.lost.delete(e.node);
        break;
    }
    if (this.rushed !== null) this.sendRushed(out);
    while (this.ready()) {
      this.finishRound(out);
      if (this.finished) out.push({ type: 'finished', rounds: this.round });
      else this.beginIfGranted(out);
    }
    return out;
  }

  private beginIfGranted(out: PeerCommand[]): void {
    this.held = this.round > this.granted;
    if (!this.held) this.begin(out);
  }

  private row(): MixingRow {
    return this.o.topology.row(this.round, this.node);
  }

  private inNeighbours() {
    return this.row().neighbors.filter((e) => e.weight !== 0);
  }

  private begin(out: PeerCommand[]): void {
    const t = this.round;
    for (const [j, from] of this.returning) {
      if (from > t) continue;
      this.lost.delete(j);
      this.returning.delete(j);
    }
    const buffered = this.future.get(t);
    this.future.delete(t);
    const expected = new Set(this.inNeighbours().map((e) => e.node));
    for (const [from, v] of buffered ?? []) {
      if (expected.has(from)) this.got.set(from, v);
      else this.late++;
    }
    const copies = this.o.choco?.copies;
    if (copies) for (const j of expected) if (copies.hasRound(j, t)) this.got.set(j, EMPTY);
    const a = this.o.algorithm;
    if (a.kind === 'consensus' || a.order === 'cta') this.send(this.x, out);
    if (a.kind === 'dpsgd') {
      this.training = true;
      out.push({ type: 'train', round: t, from: this.x });
    }
  }

  private send(value: Float32Array, out: PeerCommand[]): void {
    this.value = value;
    const attack = this.o.attack;
    if (attack?.rushing) {
      this.rushed = value;
      this.sendRushed(out);
    } else this.transmit(attack ? attack.craft(value, this.round, []) : value, out);
    if (this.inNeighbours().length > 0) out.push({ type: 'arm-deadline', round: this.round, ms: this.o.deadlineMs });
  }

  /** A rushing peer's send, once every honest in-neighbour's value is in (or given up on). */
  private sendRushed(out: PeerCommand[]): void {
    const attack = this.o.attack;
    const value = this.rushed;
    if (!attack || value === null) return;
    const honest = this.inNeighbours()
      .map((e) => e.node)
      .filter((j) => attack.isHonest(j))
      .sort((a, b) => a - b);
    if (!honest.every((j) => this.got.has(j) || this.timedOut.has(j) || this.lost.has(j))) return;
    const heard = honest.map((j) => this.got.get(j)).filter((v): v is Float32Array => v instanceof Float32Array);
    this.rushed = null;
    this.transmit(attack.craft(value, this.round, heard), out);
  }

  private transmit(value: Float32Array, out: PeerCommand[]): void {
    const to = Array.from(this.o.topology.at(this.round).sendTo[this.node]).filter((j) => !this.lost.has(j));
    const c = this.o.choco;
    if (c) {
      // x̂_i moves by q_i whether or not anybody hears it: the copies of silent links are never used again
      const m = c.copies.encode(value, this.round);
      this.payloadBytes += m.payload.length * to.length;
      this.theoreticalBits += m.theoreticalBits * to.length;
      if (to.length > 0) out.push({ type: 'send', round: this.round, to, value: m.payload, codec: c.codec });
    } else {
      this.payloadBytes += 4 * value.length * to.length;
      this.theoreticalBits += 32 * value.length * to.length;
      if (to.length > 0) out.push({ type: 'send', round: this.round, to, value });
    }
  }

  private receive(round: number, from: number, value: Float32Array): void {
    if (round < this.round || this.finished) {
      this.late++;
    } else if (round > this.round) {
      if (round - Math.max(this.round, 0) > (this.o.maxAhead ?? 64)) {
        this.late++;
        return;
      }
      let box = this.future.get(round);
      if (!box) this.future.set(round, (box = new Map()));
      if (box.has(from)) this.late++;
      else box.set(from, value);
    } else if (this.inNeighbours().some((e) => e.node === from) && !this.timedOut.has(from) && !this.got.has(from)) {
      this.got.set(from, value);
    } else {
      this.late++;
    }
  }

  private receiveChoco(round: number, from: number, value: Float32Array | Uint8Array, out: PeerCommand[]): void {
    const copies = this.o.choco?.copies;
    if (!copies || this.finished) return void this.late++;
    const reason =
      value instanceof Uint8Array
        ? copies.accept(from, round, value, this.round)
        : 'a raw float32 value, not a payload';
    if (reason !== null) {
      this.refused++;
      out.push({ type: 'refused', round, from, reason });
    } else if (round === this.round && !this.timedOut.has(from) && !this.got.has(from)) this.got.set(from, value);
    else if (round <= this.round) this.late++;
  }

  private ready(): boolean {
    if (this.round < 0 || this.finished || this.training || this.value === null || this.rushed !== null) return false;
    const broken = (j: number) => this.o.choco?.copies.isBroken(j) ?? false;
    return this.inNeighbours().every(
      (e) => this.got.has(e.node) || this.timedOut.has(e.node) || this.lost.has(e.node) || broken(e.node),
    );
  }

  private finishRound(out: PeerCommand[]): void {
    const { next, heard, dropped } = mixRound(this.o, this.row(), this.round, this.value as Float32Array, this.got);
    const delta = this.delta;
    if (delta) for (let k = 0; k < next.length; k++) next[k] += delta[k];
    this.x = next;
    const report: PeerRoundReport = {
      node: this.node,
      round: this.round,
      trainLoss: this.trainLoss,
      steps: this.steps,
      heard,
      dropped,
      late: this.late,
      payloadBytes: this.payloadBytes,
      theoreticalBits: this.theoreticalBits,
      refused: this.refused,
    };
    out.push({ type: 'round-done', report, model: this.o.reportRound(this.round) ? next : null });
    this.got.clear();
    this.timedOut.clear();
    this.value = null;
    this.delta = null;
    this.trainLoss = null;
    this.steps = 0;
    this.late = 0;
    this.refused = 0;
    this.payloadBytes = 0;
    this.theoreticalBits = 0;
    this.round++;
  }
}
