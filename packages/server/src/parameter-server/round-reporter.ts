import type { RoundSummary } from '../round-types.js';
import type { RoundTraffic, TrafficMeter } from '../traffic.js';

/**
 * Called with each closed round (evaluation, metrics). Over sockets the next round is already dispatched
 * (the machine's params are its model until that round closes), and its updates wait for the callback.
 */
export type RoundCallback = (summary: RoundSummary, traffic: RoundTraffic) => void | Promise<void>;

/** Cumulative bytes at the server's socket: the run's received and sent bytes, and refused received bytes. */
export interface ReceivedTotals {
  readonly up: number;
  readonly down: number;
  readonly refused: number;
}

/**
 * Reports closed rounds: the socket bytes moved since the previous report (headers and framing
 * included; refused traffic apart) and the round's payload totals from the traffic meter, handed to the run's callback.
 */
export class RoundReporter {
  private last = { up: 0, down: 0, refused: 0 };

  constructor(
    private readonly totals: () => ReceivedTotals,
    private readonly meter: TrafficMeter,
    private readonly onRound: RoundCallback,
  ) {}

  /**
   * Reports `summary` and waits for the callback; the traffic is taken at the call, before any await. The
   * callback runs at once: the runner stamps the round's `time_s` in it, so deferring it behind the next
   * dispatch would shift that stamp by a varying delay (a cluster round then looked faster than its bytes
   * over a capped link allow; test/cluster/multi-host.test.ts).
   */
  async report(summary: RoundSummary): Promise<void> {
    const t = this.totals();
    const traffic: RoundTraffic = {
      bytesUp: t.up - this.last.up,
      bytesDown: t.down - this.last.down,
      refusedBytes: t.refused - this.last.refused,
      ...this.meter.take(summary.round),
    };
    this.last = t;
    await this.onRound(summary, traffic);
  }
}
