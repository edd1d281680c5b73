import type { AsyncAlgorithm } from '../drivers/async/prepare.js';
import type { TrafficPlan } from './explanation.js';
import { roundSpans, spanTotals } from './round-spans.js';

/**
 * The payload bytes of an asynchronous run (`fedasync`, `fedbuff`) per server update, from the FedAvg
 * twin's `base` plan (its links and payload sizes): each update applies K arrivals (K = 1 for FedAsync),
 * so K uploads; the first also follows the C initial downloads and the K − 1 replacements dispatched
 * before it, every later one the K replacements dispatched since the previous one. Exact for a run in
 * which no client goes offline mid-training and no two arrivals tie in virtual time (a lost client adds
 * a download; tied arrivals move replacements into the next update).
 */
export function asyncTraffic(a: AsyncAlgorithm, base: TrafficPlan): TrafficPlan {
  const up = base.links[0].payload_bytes;
  const down = base.links[1].payload_bytes;
  const k = a.kind === 'fedbuff' ? a.bufferSize : 1;
  const perRound = Array.from({ length: a.rounds }, (_, r) => ({
    bytes_up: k * up,
    bytes_down: (r === 0 ? a.concurrency + k - 1 : k) * down,
    messages: k,
  }));
  const rounds = roundSpans(perRound);
  const note =
    `payload bytes per server update (${k} arrival${k === 1 ? '' : 's'} each), for a run in which no client goes ` +
    'offline mid-training and no arrivals tie in virtual time; the last update leaves C clients in flight';
  return { ...base, rounds, total: spanTotals(rounds), exact: false, note };
}
