/**
 * How long a host goes on without its server (a worker host's parameter server, a gossip host's
 * coordinator): the clock starts when the host starts or loses the server and stops when the server is
 * heard from; when it reaches `ms`, `expire` is called once and the host gives up (`starling worker` /
 * `starling peer --server-wait-s`, default 60 s; exit code 1).
 */
export class ServerWait {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  /**
   * @param ms how long to go on without the server, in milliseconds
   * @param expire called when that time has passed
   */
  constructor(
    readonly ms: number,
    private readonly expire: () => void,
  ) {}

  /** The server is unreachable: starts the clock (a running clock keeps running; a closed one stays stopped). */
  start(): void {
    if (this.closed) return;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.expire();
    }, this.ms);
  }

  /** The server was heard from: stops the clock. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * The host closes: stops the clock for good. A loss heard while the host closes (its server went away
   * first) must not start it again: the timer would keep a finished process alive for the whole wait.
   */
  close(): void {
    this.closed = true;
    this.stop();
  }
}
