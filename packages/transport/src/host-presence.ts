/**
 * A worker or gossip host's membership change as the run's server (parameter server or gossip
 * coordinator) sees it: the telemetry a live dashboard shows (docs/dashboard.md).
 */
export interface HostPresence {
  /** The host's id (its routing id; under CURVE its key's name). */
  readonly host: string;
  /**
   * `joined`: its first admitted `hello`; `lost`: its connection dropped, it timed out or it left;
   * `back`: admitted again (a `hello` or a reconnection) after it was lost.
   */
  readonly state: 'joined' | 'lost' | 'back';
  /** The open round when it happened (-1 before round 0). */
  readonly round: number;
  /** Why it was lost (`disconnected: ...`, `timeout: ...`, `left: ...`), null for `joined` and `back`. */
  readonly reason: string | null;
}

/**
 * Turns a server's view of its hosts into {@link HostPresence} changes, each reported once: `joined` the
 * first time a host is admitted, `lost` when an admitted host goes, `back` when a lost host is admitted
 * again. Hosts never admitted (refused hellos) are never reported. After `close` (the run ended; hosts
 * leaving after the server's `bye` are no news) nothing is reported. Without `emit` it does nothing.
 */
export class HostWatch {
  private readonly seen = new Set<string>();
  private readonly gone = new Set<string>();
  private closed = false;

  constructor(private readonly emit?: (e: HostPresence) => void) {}

  /** `host` was admitted (a hello the server accepted, or a lost host reconnecting) in round `round`. */
  present(host: string, round: number): void {
    if (this.closed || !this.emit) return;
    if (this.gone.delete(host)) this.emit({ host, state: 'back', round, reason: null });
    else if (!this.seen.has(host)) {
      this.seen.add(host);
      this.emit({ host, state: 'joined', round, reason: null });
    }
  }

  /** An admitted `host` went (`reason`) in round `round`; a host never admitted or already lost is ignored. */
  lost(host: string, round: number, reason: string): void {
    if (this.closed || !this.emit || !this.seen.has(host) || this.gone.has(host)) return;
    this.gone.add(host);
    this.emit({ host, state: 'lost', round, reason });
  }

  /** The run ended: nothing is reported from now on. */
  close(): void {
    this.closed = true;
  }
}
