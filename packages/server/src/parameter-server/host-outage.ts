/**
 * The time when every worker host that carries nodes is gone. The hosts lost last are "held": their
 * nodes are not reported lost to the round logic, so the open round keeps waiting for them and can be
 * sent again to a host that returns or takes their place. The wait is bounded: `expire` is called once
 * `waitMs` milliseconds pass without a host coming back (the run then fails).
 */
export class HostOutage {
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param waitMs how long to wait for a host, in milliseconds (`runtime.hostWaitS` × 1000)
   * @param expire called when the wait ran out
   */
  constructor(
    readonly waitMs: number,
    private readonly expire: () => void,
  ) {}

  /** True while every host is gone and the wait runs. */
  get active(): boolean {
    return this.timer !== null;
  }

  /** Holds `host`'s nodes; the first hold starts the wait. */
  hold(host: string): void {
    this.held.add(host);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.expire();
    }, this.waitMs);
  }

  /** True when `host`'s nodes are held (not reported lost to the round logic). */
  isHeld(host: string): boolean {
    return this.held.has(host);
  }

  /** `host`'s nodes are accounted for again (it came back, or its nodes moved to another host). */
  release(host: string): void {
    this.held.delete(host);
  }

  /** A host came back: stops the wait and returns the hosts still held, which the caller must settle. */
  end(): string[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rest = [...this.held].sort();
    this.held.clear();
    return rest;
  }
}
