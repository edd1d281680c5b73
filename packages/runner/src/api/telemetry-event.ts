import type { MetricsLine } from '../artifacts/metrics-line.js';

/**
 * What a run reports as it goes, for live displays (`starling run --dashboard`, docs/dashboard.md), in
 * the order it happens. Plain JSON data (no typed arrays), so it can be sent as is. Events:
 *
 * - `start`: the run passed its pre-flight checks; round 0 is next. `family` is the driver
 *   (`federated`: parameter server, `gossip`: peers), `runtime` the config's `runtime.kind`.
 * - `round`: one `metrics.jsonl` line as written (`evaluated`: it carries a fresh evaluation). Bytes,
 *   ε (`epsilon`), failures by reason (`failure_reasons`), consensus error (gossip) are its fields.
 * - `host`: a worker or gossip host joined, was lost or came back (socket runtimes only; the server's
 *   view, see `HostPresence` in @starling/transport). `round` is the open round (-1 before round 0).
 * - `peer`: a gossip peer (node id) first reported (`joined`, in the first round it reported) or was
 *   lost (its host gone: no report is awaited from it after `round`).
 * - `straggler`: node `node` missed round `round`. Federated: a selected node that failed, `reason` as in
 *   the round's failures (`deadline` for a deadline miss, `host h lost`, `non-finite: ...`). Gossip: a
 *   peer whose value `count` neighbours left out of their averages (`reason` `left out`).
 * - `links`: gossip bytes sent per directed link `i->j` in round `round` (headers included).
 * - `end`: the run ended (`completed`, `failed` or `interrupted`) with the error's message (null when
 *   completed). Sent once, last, for a run that sent `start`.
 */
export type TelemetryEvent =
  | {
      readonly kind: 'start';
      readonly name: string;
      readonly rounds: number;
      readonly out: string;
      readonly family: 'federated' | 'gossip';
      readonly algorithm: string;
      readonly runtime: string;
    }
  | { readonly kind: 'round'; readonly line: MetricsLine; readonly evaluated: boolean }
  | {
      readonly kind: 'host';
      readonly host: string;
      readonly state: 'joined' | 'lost' | 'back';
      readonly round: number;
      readonly reason: string | null;
    }
  | { readonly kind: 'peer'; readonly peer: number; readonly state: 'joined' | 'lost'; readonly round: number }
  | {
      readonly kind: 'straggler';
      readonly round: number;
      readonly node: number;
      readonly reason: string;
      /** Gossip: how many neighbours left its value out (1 for a federated failure). */
      readonly count: number;
    }
  | { readonly kind: 'links'; readonly round: number; readonly bytes: Readonly<Record<string, number>> }
  | {
      readonly kind: 'end';
      readonly status: 'completed' | 'failed' | 'interrupted';
      readonly reason: string | null;
      /** The last round recorded (-1 when none). */
      readonly lastRound: number;
    };

/** Where a run sends its {@link TelemetryEvent}s (`RunOptions.onTelemetry`). */
export type TelemetrySink = (event: TelemetryEvent) => void;
