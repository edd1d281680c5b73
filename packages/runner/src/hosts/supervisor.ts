import type { ChildProcess } from 'node:child_process';
import type { HostLog } from '@starling/worker';
import { RelaunchBudget, type RelaunchPolicy } from './relaunch-budget.js';

/** How long a finished run waits for a host process before SIGKILL. */
const EXIT_GRACE_MS = 5000;
/** The pause before the n-th relaunch of one host within the window: n × 250 ms (so a crash loop backs off). */
const BACKOFF_MS = 250;
/** Exit codes that are not relaunched: 0 (the run ended, or `bye`), 2 (a refused config repeats), 130 (stopped by SIGTERM). */
const FINAL_CODES: ReadonlySet<number> = new Set([0, 2, 130]);

/** One supervised host: its id, how to start its process again, the process now, and its state. */
interface Supervised {
  readonly spawn: () => ChildProcess;
  child: ChildProcess;
  /** A relaunch is scheduled (the process died and its successor is not started yet). */
  pending: NodeJS.Timeout | null;
}

/**
 * Keeps the host processes of the `processes` runtime running (docs/runtimes.md, "Losing hosts"): a
 * host process that dies (killed by a signal, or exit code 1) while the run goes on is started again
 * with the same host id and arguments, at most `runtime.restarts.max` times per host in any
 * `runtime.restarts.windowS` seconds; each relaunch is logged (`host process relaunched`) and counted
 * (`host_relaunches` in summary.json). A host that exits 0 (the server said `bye`, the run ended), 2
 * (a refused config would be refused again) or 130 (stopped by SIGTERM) is not relaunched, nor is any
 * host once the run is ending (`close`, or the run's abort signal). The server asks
 * {@link expectsReturn} when it loses a host, to hold that host's nodes for it instead of failing them.
 */
export class HostSupervisor {
  private readonly hosts = new Map<string, Supervised>();
  private readonly budget: RelaunchBudget;
  private ending = false;
  private count = 0;
  private readonly killAll = () => {
    for (const h of this.hosts.values()) if (alive(h.child)) h.child.kill('SIGKILL');
  };

  /**
   * @param policy the relaunch bound (`runtime.restarts`); `max: 0` never relaunches
   * @param signal the run's abort signal: once aborted, nothing is relaunched
   * @param now the clock of the budget window, in milliseconds
   */
  constructor(
    policy: RelaunchPolicy,
    private readonly log: HostLog,
    signal?: AbortSignal,
    now: () => number = () => performance.now(),
  ) {
    this.budget = new RelaunchBudget(policy, now);
    signal?.addEventListener('abort', () => this.end(), { once: true });
    // If this process exits before the children (a second Ctrl-C: process.exit), they go with it.
    process.on('exit', this.killAll);
  }

  /** Host processes relaunched so far (all hosts). */
  get relaunches(): number {
    return this.count;
  }

  /** Starts the process of `hostId` (`spawn` starts it, now and on every relaunch) and watches it. */
  start(hostId: string, spawn: () => ChildProcess): void {
    const host: Supervised = { spawn, child: spawn(), pending: null };
    this.hosts.set(hostId, host);
    this.watch(hostId, host);
  }

  /**
   * The server lost `host` (not a `bye`): true when its process will be (or is being) started again,
   * so the server should hold its nodes for it. False for a host this supervisor does not run, once
   * the run is ending, when the process ended for good, or when its relaunch budget is spent.
   */
  expectsReturn(host: string): boolean {
    const h = this.hosts.get(host);
    if (h === undefined || this.ending) return false;
    if (h.pending !== null) return true;
    if (!alive(h.child)) return relaunchable(h.child) && this.budget.allows(host);
    return this.budget.allows(host); // its exit has not reached this process yet, or it froze
  }

  /** The run is ending: no more relaunches (a host that exits now stays down). */
  end(): void {
    this.ending = true;
    for (const h of this.hosts.values()) {
      if (h.pending !== null) clearTimeout(h.pending);
      h.pending = null;
    }
  }

  /** Stops relaunching and waits for every host process to exit (SIGKILL after 5 s). */
  async close(): Promise<void> {
    this.end();
    await Promise.all([...this.hosts.values()].map((h) => waitExit(h.child)));
    process.off('exit', this.killAll);
  }

  private watch(hostId: string, host: Supervised): void {
    const child = host.child;
    child.once('exit', (code, signal) => {
      if (this.ending || host.child !== child) return;
      const how = signal !== null ? `signal ${signal}` : `exit code ${code}`;
      if (signal === null && FINAL_CODES.has(code ?? 0)) return;
      if (!this.budget.allows(hostId)) {
        const { max, windowS } = this.budget.policy;
        this.log.error(
          { host: hostId, how, max, windowS },
          `host process died (${how}) and is not relaunched: ${max} relaunches in ${windowS} s (runtime.restarts) spent`,
        );
        return;
      }
      const attempt = this.budget.take(hostId);
      this.log.warn({ host: hostId, how, attempt }, `host process died (${how}); relaunching it`);
      host.pending = setTimeout(() => this.relaunch(hostId, host, attempt), attempt * BACKOFF_MS);
    });
  }

  private relaunch(hostId: string, host: Supervised, attempt: number): void {
    host.pending = null;
    if (this.ending) return;
    host.child = host.spawn();
    this.count++;
    this.log.warn({ host: hostId, attempt, relaunches: this.count, pid: host.child.pid }, 'host process relaunched');
    this.watch(hostId, host);
  }
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** A process that ended in a way that gets it relaunched (a signal, or a failure exit code). */
function relaunchable(child: ChildProcess): boolean {
  return child.signalCode !== null || !FINAL_CODES.has(child.exitCode ?? 0);
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!alive(child)) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
  });
}
