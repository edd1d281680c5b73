/**
 * A host's registration loop: says `hello` now and again every `everyMs` until the server (or gossip
 * coordinator) answers with `welcome`, or the host closes. Restarting it (re-registration after the
 * server went silent) replaces the running loop.
 */
export class HelloLoop {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly hello: () => void,
    private readonly everyMs = 1000,
  ) {}

  /** Says hello at once and then every `everyMs`. */
  start(): void {
    this.stop();
    this.hello();
    this.timer = setInterval(this.hello, this.everyMs);
  }

  /** Stops saying hello (welcomed, or closing). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
