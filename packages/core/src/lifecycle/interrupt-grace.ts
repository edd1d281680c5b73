/**
 * What a run over sockets does when it is interrupted (SIGINT/SIGTERM through an `AbortSignal`): stop at
 * once, or first let the round in progress close for up to `graceMs`, so that round is recorded and
 * its boundary (where a checkpoint on interrupt is written) runs. Shared by the parameter server and
 * the gossip coordinator; `stop` is called exactly once, whichever way.
 */
export class InterruptGrace {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /**
   * @param graceMs how long a closing round may take after the abort (ms); 0 or less: stop at once
   * @param stop stops the run (called at most once)
   */
  constructor(
    private readonly graceMs: number,
    private readonly stop: () => void,
  ) {}

  /** True from the abort until the run stops: the round in progress may still close. */
  get draining(): boolean {
    return this.timer !== null && !this.stopped;
  }

  /**
   * The run was aborted. `roundOpen`: a round is in progress that may close (false before round 0, or
   * where no boundary would follow it); then the run stops when that round passed ({@link roundPassed})
   * or the grace ran out, else at once.
   * @returns whether the run is draining (false: it stopped now)
   */
  abort(roundOpen: boolean): boolean {
    if (this.stopped || this.timer !== null) return this.draining;
    if (this.graceMs <= 0 || !roundOpen) {
      this.stopNow();
      return false;
    }
    this.timer = setTimeout(() => this.stopNow(), this.graceMs);
    return true;
  }

  /** A round passed (recorded, its boundary run): a draining run stops now. */
  roundPassed(): void {
    if (this.draining) this.stopNow();
  }

  /** Clears the timer (the run ended some other way); `stop` is not called after this. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.stopped = true;
  }

  private stopNow(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.stop();
  }
}
