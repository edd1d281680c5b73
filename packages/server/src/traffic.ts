/**
 * What one round moved, in both directions. `bytesUp`/`bytesDown` are measured at the server's socket
 * in socket runtimes (headers and framing included) and equal the payload bytes in `inline`. The
 * payload figures count only tensor payloads: raw float32 (4 bytes per value) or the compressor's
 * encoded bytes; `theoreticalBitsUp` sums each uplink payload's `Encoded.theoreticalBits` (32 per value
 * for raw updates). See docs/compression.md, "Wiring".
 */
export interface RoundTraffic {
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly payloadBytesUp: number;
  readonly payloadBytesDown: number;
  readonly theoreticalBitsUp: number;
  /**
   * Socket runtimes: bytes received this round that the run refused (from peers that are not registered
   * hosts, or messages the server refused), kept out of `bytesUp` (see `RefusedTraffic`). Absent inline.
   */
  readonly refusedBytes?: number;
}

interface Tally {
  up: number;
  bits: number;
  down: number;
}

/** Counts payload bytes per round (by the round a message belongs to), read once when the round closes. */
export class TrafficMeter {
  private readonly rounds = new Map<number, Tally>();

  private at(round: number): Tally {
    let t = this.rounds.get(round);
    if (!t) this.rounds.set(round, (t = { up: 0, bits: 0, down: 0 }));
    return t;
  }

  /** Records one uplink payload of `bytes` bytes and `bits` theoretical bits for `round`. */
  up(round: number, bytes: number, bits: number): void {
    const t = this.at(round);
    t.up += bytes;
    t.bits += bits;
  }

  /** Records one downlink payload of `bytes` bytes for `round`. */
  down(round: number, bytes: number): void {
    this.at(round).down += bytes;
  }

  /** The payload totals of `round`, forgetting it and every earlier round (late messages do not count). */
  take(round: number): Pick<RoundTraffic, 'payloadBytesUp' | 'payloadBytesDown' | 'theoreticalBitsUp'> {
    const t = this.rounds.get(round) ?? { up: 0, bits: 0, down: 0 };
    for (const r of [...this.rounds.keys()]) if (r <= round) this.rounds.delete(r);
    return { payloadBytesUp: t.up, payloadBytesDown: t.down, theoreticalBitsUp: t.bits };
  }
}
