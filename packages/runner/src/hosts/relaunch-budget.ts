/**
 * `runtime.restarts` of the `processes` runtime: at most `max` relaunches of one host process in any
 * `windowS` seconds (a sliding window; `max: 0` never relaunches).
 */
export interface RelaunchPolicy {
  readonly max: number;
  readonly windowS: number;
}

/** The relaunches each host has had within the last `windowS` seconds, against `max`. */
export class RelaunchBudget {
  /** Times (ms, of `now`) of each host's relaunches inside the window, oldest first. */
  private readonly times = new Map<string, number[]>();

  /** @param now a monotonic clock in milliseconds */
  constructor(
    readonly policy: RelaunchPolicy,
    private readonly now: () => number,
  ) {}

  /** True when `host` may be relaunched now (fewer than `max` relaunches in the last `windowS` s). */
  allows(host: string): boolean {
    return this.recent(host).length < this.policy.max;
  }

  /** Counts one relaunch of `host` now; returns how many it has had in the window, this one included. */
  take(host: string): number {
    const list = this.recent(host);
    list.push(this.now());
    this.times.set(host, list);
    return list.length;
  }

  private recent(host: string): number[] {
    const since = this.now() - this.policy.windowS * 1000;
    return (this.times.get(host) ?? []).filter((t) => t > since);
  }
}
