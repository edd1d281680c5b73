import type { HeaderOf, IncomingMessage } from '@starling/transport';
import { Admission, type AdmissionRule } from './admission.js';
import type { Membership } from './membership.js';
import type { ServerLog } from './server-log.js';

/** What the {@link HelloDesk} asks of the parameter server. */
export interface HelloActions {
  /** Says `bye` with `reason` to a refused host. */
  bye(host: string, reason: string): void;
  /** Counts a refused message of `bytes` bytes from `host` as refused traffic. */
  refused(host: string, bytes: number): void;
  /** Sends `welcome` to `host` (with the nodes it carries now). */
  welcome(host: string): void;
  /** A host came back or arrived after the start (`HostRecovery.arrived`: its nodes and the open round). */
  arrived(host: string): void;
  /** The last expected host joined: assign the nodes and start. */
  start(): void;
  /** The open round (for log lines). */
  round(): number;
}

/**
 * The parameter server's answer to `hello` (docs/security.md, "Admission"):
 * - refused (`Admission`: a gossip peer's hello, or an id the runtime did not launch): `bye` with the
 *   reason, its bytes counted as refused traffic;
 * - a repeat from a host that carries nodes and is connected (its hello loop crossed our welcome, or it
 *   re-registered after a silence the server did not notice): the welcome again, not the open round,
 *   which it holds already;
 * - a host that restarted (its `seq` began again) or came back: its nodes and the open round again;
 * - before the start: joins, and the last expected host starts the run.
 */
export class HelloDesk {
  private readonly admission: Admission;
  /** The `seq` of the last message of each host that reached the server. */
  private readonly lastSeq = new Map<string, number>();

  constructor(
    rule: AdmissionRule,
    private readonly membership: Membership,
    private readonly expected: number,
    private readonly log: ServerLog,
    private readonly act: HelloActions,
  ) {
    this.admission = new Admission(rule, log);
  }

  /** Records the `seq` of every message that reached the server; returns the sender's previous one. */
  seen(m: IncomingMessage): number | undefined {
    const previous = this.lastSeq.get(m.peer);
    this.lastSeq.set(m.peer, m.header.seq);
    return previous;
  }

  /** Handles `hello` `h` of message `m`; `previousSeq` is what {@link seen} returned for it. */
  hello(m: IncomingMessage, h: HeaderOf<'hello'>, previousSeq: number | undefined): void {
    const host = m.peer;
    const refusal = this.admission.refusal(host, h);
    if (refusal !== null) {
      this.act.refused(host, m.bytes);
      this.act.bye(host, refusal);
      return;
    }
    const restarted = previousSeq === undefined || h.seq <= previousSeq;
    const live = this.membership.nodesOf(host).length > 0 && !this.membership.isLost(host);
    const outcome = this.membership.hello(host);
    if (outcome === 'rejoin' && live && !restarted) {
      this.log.info({ host, round: this.act.round() }, 'repeated hello: welcome sent again, not the open round');
      this.act.welcome(host);
    } else if (outcome === 'rejoin' || outcome === 'spare') this.act.arrived(host);
    else if (outcome === 'waiting' || outcome === 'complete') {
      this.log.info({ host, joined: this.membership.joined, expected: this.expected }, 'host joined');
      if (outcome === 'complete') this.act.start();
    }
  }
}
