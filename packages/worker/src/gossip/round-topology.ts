import { type MixingMatrix, type MixingRow, type MixingSchedule, sendTargets } from '@starling/topologies';

/** One round's mixing matrix with every node's send list. */
export interface RoundMixing {
  readonly w: MixingMatrix;
  /** Node j's receivers in this round (i with W_ij ≠ 0, i ≠ j), ascending. */
  readonly sendTo: readonly Int32Array[];
}

/**
 * A small cache over a mixing schedule shared by the peers of one host: `at(t)` builds W_t and its send
 * lists once per round (once per phase for periodic schedules), not once per peer.
 */
export class RoundTopology {
  private readonly cache = new Map<number, RoundMixing>();

  constructor(readonly schedule: MixingSchedule) {}

  /** W_t and the send lists of round t. */
  at(round: number): RoundMixing {
    const key = this.schedule.period === undefined ? round : round % this.schedule.period;
    let hit = this.cache.get(key);
    if (!hit) {
      const w = this.schedule.at(round);
      hit = { w, sendTo: sendTargets(w) };
      if (this.cache.size >= 64) this.cache.delete(this.cache.keys().next().value as number);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** Node i's receive weights in round t. */
  row(round: number, node: number): MixingRow {
    return this.at(round).w.rows[node];
  }
}
