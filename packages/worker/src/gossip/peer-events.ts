/** What a gossip peer's driver tells its round logic. Arrays handed in are never written afterwards. */
export type PeerEvent =
  | { readonly type: 'start' }
  | {
      readonly type: 'trained';
      readonly round: number;
      /** Δ = x_after − x_before of the local steps started by the `train` command of this round. */
      readonly delta: Float32Array;
      readonly trainLoss: number;
      readonly steps: number;
    }
  | { readonly type: 'received'; readonly round: number; readonly from: number; readonly value: Float32Array }
  | { readonly type: 'deadline'; readonly round: number }
  | { readonly type: 'neighbour-lost'; readonly node: number }
  | { readonly type: 'neighbour-back'; readonly node: number };

/** What one peer did in one round, for the monitor. */
export interface PeerRoundReport {
  readonly node: number;
  readonly round: number;
  /** Mean loss of the local steps (null for consensus). */
  readonly trainLoss: number | null;
  readonly steps: number;
  /** In-neighbours whose value entered the average, ascending. */
  readonly heard: readonly number[];
  /** In-neighbours left out (silent by the deadline, or known lost), ascending. */
  readonly dropped: readonly number[];
  /** Messages discarded since the previous report: for a finished round, after the deadline, or unexpected. */
  readonly late: number;
}

/**
 * What the round logic asks its driver to do. Arrays in commands are never written by the peer
 * afterwards, so a driver may share them (e.g. hand the same value to several receivers).
 */
export type PeerCommand =
  | { readonly type: 'send'; readonly round: number; readonly to: readonly number[]; readonly value: Float32Array }
  | { readonly type: 'train'; readonly round: number; readonly from: Float32Array }
  | { readonly type: 'arm-deadline'; readonly round: number; readonly ms: number }
  | { readonly type: 'round-done'; readonly report: PeerRoundReport; readonly model: Float32Array | null }
  | { readonly type: 'finished'; readonly rounds: number };
