import type { TelemetryEvent } from '@starling/runner';
import type { SseBroadcaster } from './sse-broadcaster.js';

/**
 * Turns a run's telemetry into the page's event stream: each event as is plus `t` (seconds since the
 * dashboard started); `links` events also carry `total` (bytes per link since the start) and replace
 * each other in the replay buffer, so a late page gets the totals without every round's links. The
 * run's `end` ends the stream; `finish` ends it for a run that never sent one (refused, or failed
 * before round 0).
 */
export class TelemetryFeed {
  private readonly totals: Record<string, number> = {};

  constructor(
    private readonly sse: SseBroadcaster,
    private readonly clock: () => number,
  ) {}

  /** Publishes one event of the run. */
  take(e: TelemetryEvent): void {
    const t = this.clock();
    if (e.kind === 'end') {
      this.sse.end({ ...e, t });
    } else if (e.kind === 'links') {
      for (const [link, b] of Object.entries(e.bytes)) this.totals[link] = (this.totals[link] ?? 0) + b;
      this.sse.publish({ ...e, total: { ...this.totals }, t }, 'links');
    } else this.sse.publish({ ...e, t });
  }

  /** Ends the stream with `status` unless the run's own `end` did already. */
  finish(status: { status: 'completed' | 'failed' | 'interrupted'; reason: string | null }): void {
    if (!this.sse.isEnded) this.sse.end({ kind: 'end', ...status, lastRound: null, t: this.clock() });
  }
}
