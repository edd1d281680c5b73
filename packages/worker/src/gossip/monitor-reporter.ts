import type { DealerEndpoint } from '@starling/transport';
import type { HostLog } from '../worker-host.js';
import type { NodeTraffic } from './node-traffic.js';
import type { PeerRoundReport } from './peer-events.js';
import { encodeReport, MODEL_TENSOR } from './report-codec.js';

/**
 * The monitor channel of a gossip host: one `update` per peer and round to the coordinator with the
 * round's report (and, on report rounds, the model). A report waits for the round's own gossip sends
 * to settle, so its byte counts are complete, and reports of one peer leave in round order.
 */
export class MonitorReporter {
  private readonly sends = new Map<number, Promise<unknown>[]>();
  private readonly reports = new Map<number, Promise<unknown>>();

  constructor(
    private readonly coordinator: DealerEndpoint,
    private readonly traffic: NodeTraffic,
    private readonly log: HostLog,
    private readonly samples: (node: number) => number,
  ) {}

  /** Notes a gossip send of `node` in its current round; the round's report waits for it. */
  track(node: number, sent: Promise<unknown>): void {
    const pending = this.sends.get(node);
    if (pending) pending.push(sent);
    else this.sends.set(node, [sent]);
  }

  /** Queues the report of `node` for round `r.round`. */
  report(node: number, r: PeerRoundReport, model: Float32Array | null): void {
    if (r.dropped.length > 0)
      this.log.warn({ node, round: r.round, dropped: r.dropped }, 'neighbours left out of the round');
    const sends = this.sends.get(node) ?? [];
    this.sends.set(node, []);
    const previous = this.reports.get(node) ?? Promise.resolve();
    const next = previous
      .then(() => Promise.all(sends))
      .then(() => {
        const { weight, metrics } = encodeReport({
          ...r,
          heard: r.heard.length,
          dropped: r.dropped.length,
          droppedNodes: r.dropped,
          ...this.traffic.take(node, r.round),
          samples: this.samples(node),
          model,
        });
        const tensors = model ? [{ name: MODEL_TENSOR, data: model, owned: true }] : [];
        return this.coordinator.send({ type: 'update', round: r.round, node, weight, metrics }, tensors);
      })
      .catch((err) => this.log.error({ err, node }, 'report failed'));
    this.reports.set(node, next);
  }

  /** Settles when every queued report has been handed to the socket (or failed). */
  settled(): Promise<unknown> {
    return Promise.all(this.reports.values());
  }
}
