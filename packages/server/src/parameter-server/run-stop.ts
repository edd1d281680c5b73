import { InterruptGrace } from '@starling/core';
import type { ServerLog } from './server-log.js';

/** What a {@link RunStop} needs from the parameter server. */
export interface RunStopOptions {
  /** After `signal` aborts, how long (ms) the open round may still close (`ZmqServerOptions.interruptGraceMs`). */
  readonly graceMs: number;
  readonly signal?: AbortSignal;
  readonly log: ServerLog;
  /** The open round (-1 before round 0). */
  round(): number;
  /** Stops the run now (called at most once): fails it once the event batch in progress is handled. */
  stop(): void;
}

/**
 * How the parameter server's run ends on its abort signal: at once, or, with a grace, once the open round
 * closed and was reported (`roundPassed`) or the grace ran out (`InterruptGrace`). Also names the `bye`
 * the hosts are told when the run failed: `server interrupted` for a stop on the signal (or one in its
 * grace), else the error's message.
 */
export class RunStop {
  /** True once the run stopped on the signal: no event is handled after that. */
  stopped = false;
  private readonly grace: InterruptGrace;
  private readonly onAbort = () => this.interrupt();

  constructor(private readonly o: RunStopOptions) {
    this.grace = new InterruptGrace(o.graceMs, () => this.stopNow());
  }

  /** Listens to the signal from now on; an already aborted signal interrupts at once. */
  listen(): void {
    this.o.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (this.o.signal?.aborted) this.interrupt();
  }

  /** A round closed and was reported: a run in its grace stops now. */
  roundPassed(): void {
    this.grace.roundPassed();
  }

  /** The `bye` reason for hosts when the run failed with `err`. */
  byeAfter(err: unknown): string {
    return this.stopped || this.grace.draining
      ? 'server interrupted'
      : `run failed: ${err instanceof Error ? err.message : String(err)}`;
  }

  /** The run ended: stops listening, and a pending grace never stops it. */
  close(): void {
    this.o.signal?.removeEventListener('abort', this.onAbort);
    this.grace.close();
  }

  /** The signal aborted: the open round may still close within the grace. */
  private interrupt(): void {
    const round = this.o.round();
    if (this.grace.abort(round >= 0)) this.o.log.info({ round }, 'interrupted: letting the open round close');
  }

  private stopNow(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.o.stop();
  }
}
