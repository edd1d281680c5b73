import { type CompressorState, errors, type OptimizerState } from '@starling/core';

/** What a node carries from one round to its next: optimizer state and uplink compressor state. */
export interface NodeState {
  /** Optimizer state (moments, step count), or null before the node's first round. */
  readonly state: OptimizerState | null;
  /** Uplink compressor state (error-feedback memory, PowerSGD warm start), or null. */
  readonly upState: CompressorState | null;
  /** SCAFFOLD's control variate c_i (absent for other algorithms and before the node's first round). */
  readonly control?: Float32Array;
}

interface Entry {
  /** The node's last trained round. */
  readonly round: number;
  /** The state that round started from; null once a later round was dispatched (it cannot come again). */
  before: NodeState | null;
  readonly after: NodeState;
}

const FRESH: NodeState = { state: null, upState: null };

/**
 * The persistent state of a worker host's nodes between rounds. A node asked to train the round it last
 * trained (the server sent the round again after its host came back) starts from the state it had before
 * that round, not after it, so the repeated training computes the same Δ and leaves the same state.
 * The state before a round is kept only until a task for a later round arrives, so the extra memory is
 * one state per node of the latest round.
 */
export class NodeStates {
  private readonly entries = new Map<number, Entry>();

  /** The state `node` trains round `round` from (fresh on its first round). */
  startOf(node: number, round: number): NodeState {
    const e = this.entries.get(node);
    if (!e) return FRESH;
    return e.round === round && e.before ? e.before : e.after;
  }

  /** Records `node`'s state after training `round` from `start` (an older round than the last is ignored). */
  record(
    node: number,
    round: number,
    start: NodeState,
    after: OptimizerState,
    upState: CompressorState | undefined,
    control?: Float32Array,
  ): void {
    const e = this.entries.get(node);
    if (e && e.round > round) return;
    const c = control ?? start.control;
    this.entries.set(node, {
      round,
      before: start,
      after: { state: after, upState: upState ?? start.upState, ...(c ? { control: c } : {}) },
    });
  }

  /** A task for `round` arrived: the states before earlier rounds are no longer needed. */
  settle(round: number): void {
    for (const e of this.entries.values()) if (e.round < round) e.before = null;
  }

  /** Node ids this host holds state for, ascending. */
  nodes(): number[] {
    return [...this.entries.keys()].sort((a, b) => a - b);
  }

  /**
   * The state `node` held after round `round`: after its last trained round up to `round`, or, when it
   * has already trained a later round (the server dispatched it before collecting a checkpoint), the state
   * that round started from. Fresh when it has none.
   */
  stateAfter(node: number, round: number): NodeState {
    const e = this.entries.get(node);
    if (!e) return FRESH;
    if (e.round <= round) return e.after;
    if (!e.before) throw errors.runtime(`node ${node}: the state after round ${round} is no longer held`);
    return e.before;
  }

  /**
   * Replaces `node`'s state with a checkpoint's (a resumed run, before any task); null forgets the node
   * (it had not trained by the checkpoint). The restored state is what the node's next round starts from.
   */
  restore(node: number, state: NodeState | null): void {
    if (state === null) this.entries.delete(node);
    else this.entries.set(node, { round: -1, before: null, after: state });
  }
}
