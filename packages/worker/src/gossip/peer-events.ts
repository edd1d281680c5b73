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
  | {
      readonly type: 'received';
      readonly round: number;
      readonly from: number;
      /** The neighbour's value (plain gossip) or its encoded q_j (CHOCO). */
      readonly value: Float32Array | Uint8Array;
    }
  | { readonly type: 'deadline'; readonly round: number }
  /** Grants every round up to `round` (see `GossipPeerOptions.granted`). */
  | { readonly type: 'proceed'; readonly round: number }
  /** Holds after the round in progress (or where already held) until the next `proceed`. */
  | { readonly type: 'hold' }
  | { readonly type: 'neighbour-lost'; readonly node: number }
  /**
   * `node` is heard from again: at once, or (with `from`, a replacement of its lost host) from the
   * beginning of round `from` on, before which it stays left out.
   */
  | { readonly type: 'neighbour-back'; readonly node: number; readonly from?: number };

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
  /** Bytes of the payloads this peer sent this round (encoder output, or 4·d raw), summed over messages. */
  readonly payloadBytes: number;
  /** The same payloads as their compressor's paper counts them (32·d per raw message), in bits. */
  readonly theoreticalBits: number;
  /** Malformed payloads refused since the previous report (CHOCO: the sender's copy is then never used again). */
  readonly refused: number;
}

/**
 * What the round logic asks its driver to do. Arrays in commands are never written by the peer
 * afterwards, so a driver may share them (e.g. hand the same value to several receivers).
 */
export type PeerCommand =
  | {
      readonly type: 'send';
      readonly round: number;
      readonly to: readonly number[];
      /** x or ψ as float32 (plain gossip), or the encoded q_i as bytes with its `codec` (CHOCO). */
      readonly value: Float32Array | Uint8Array;
      readonly codec?: string;
    }
  | { readonly type: 'train'; readonly round: number; readonly from: Float32Array }
  | { readonly type: 'arm-deadline'; readonly round: number; readonly ms: number }
  | { readonly type: 'round-done'; readonly report: PeerRoundReport; readonly model: Float32Array | null }
  | { readonly type: 'refused'; readonly round: number; readonly from: number; readonly reason: string }
  | { readonly type: 'finished'; readonly rounds: number };
