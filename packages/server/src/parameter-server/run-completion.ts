/** The end of a run: settled once, by the round logic's `finished` or by the first fatal error. */
export class RunCompletion {
  /** Resolves with the completed rounds, or rejects with the error that ended the run. */
  readonly done: Promise<number>;
  private resolveRun: (rounds: number) => void = () => {};
  private rejectRun: (e: unknown) => void = () => {};

  constructor() {
    this.done = new Promise<number>((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
    });
  }

  /** The run finished after `rounds` rounds. */
  finish(rounds: number): void {
    this.resolveRun(rounds);
  }

  /** The run failed (a later call changes nothing). */
  fail(e: unknown): void {
    this.rejectRun(e);
  }
}
