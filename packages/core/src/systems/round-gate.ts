import type { ParticipationDraw } from '../adversary/participants.js';

/** Why a selected node's update did not count, as decided in virtual time. */
export type GateOutcome = 'late' | 'offline';

/**
 * What a synchronous round machine asks a systems model (the virtual clock) about a round; all of it is
 * decided from virtual times, never from arrival order, so every runtime closes each round on the same
 * set of updates. The order of calls per round: `participation`, `open`, then any number of `answer`
 * (each followed by `ready`), then `close`.
 */
export interface RoundGate {
  /** The draw for a pool of `pool` nodes: the plan's, or ⌈(1+o)K⌉ of them with over-commitment o. */
  participation(planned: ParticipationDraw, pool: number): ParticipationDraw;
  /**
   * Opens `round` with the drawn `selected` (ascending): returns the nodes offline at the round's start
   * (not dispatched) and K, the number of updates the round aggregates at most.
   */
  open(round: number, selected: readonly number[]): { readonly offline: readonly number[]; readonly target: number };
  /** A dispatched node answered: `ok` with an update of `bytesUp` payload bytes (undefined: the smallest possible), or a failure. */
  answer(node: number, ok: boolean, bytesUp: number | undefined): void;
  /** Whether the round's outcome is decided (nothing still outstanding can change it). */
  ready(): boolean;
  /**
   * Closes the round and advances the clock: the nodes whose updates count (at most K), and why each
   * other dispatched node did not count when that was decided by time (a failure before the close
   * keeps its own reason).
   */
  close(): { readonly accepted: ReadonlySet<number>; readonly outcomes: ReadonlyMap<number, GateOutcome> };
}
