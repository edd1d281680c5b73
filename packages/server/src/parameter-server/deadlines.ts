/** The round deadlines of a run as wall-clock timers, one per round. */
export class Deadlines {
  private readonly timers = new Map<number, NodeJS.Timeout>();

  /** Calls `fire` after `ms` milliseconds unless round `round` is cleared first. */
  arm(round: number, ms: number, fire: () => void): void {
    this.timers.set(round, setTimeout(fire, ms));
  }

  /** Cancels round `round`'s timer (no-op when none is armed). */
  clear(round: number): void {
    clearTimeout(this.timers.get(round));
    this.timers.delete(round);
  }

  /** Cancels every timer (when the run ends). */
  clearAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
