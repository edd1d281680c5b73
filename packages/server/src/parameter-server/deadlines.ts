interface Armed {
  readonly ms: number;
  readonly fire: () => void;
  timer: NodeJS.Timeout | null;
}

/**
 * The round deadlines of a run as wall-clock timers, one per round. While paused (every worker host
 * is gone) no deadline runs; `resume` starts each armed round's full time again, so a round waiting for
 * its hosts to return is not closed by a clock that ran while nobody could answer.
 */
export class Deadlines {
  private readonly armed = new Map<number, Armed>();
  private paused = false;

  /** Calls `fire` after `ms` milliseconds (counted from `resume` when paused) unless round `round` is cleared first. */
  arm(round: number, ms: number, fire: () => void): void {
    this.clear(round);
    const a: Armed = { ms, fire, timer: null };
    if (!this.paused) a.timer = setTimeout(fire, ms);
    this.armed.set(round, a);
  }

  /** Cancels round `round`'s timer (no-op when none is armed). */
  clear(round: number): void {
    const a = this.armed.get(round);
    if (a?.timer) clearTimeout(a.timer);
    this.armed.delete(round);
  }

  /** Stops every running timer; armed rounds keep their deadline for `resume`. */
  pause(): void {
    this.paused = true;
    for (const a of this.armed.values()) {
      if (a.timer) clearTimeout(a.timer);
      a.timer = null;
    }
  }

  /** Starts every armed round's full deadline again. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const a of this.armed.values()) a.timer = setTimeout(a.fire, a.ms);
  }

  /** Cancels every timer (when the run ends). */
  clearAll(): void {
    for (const a of this.armed.values()) if (a.timer) clearTimeout(a.timer);
    this.armed.clear();
  }
}
