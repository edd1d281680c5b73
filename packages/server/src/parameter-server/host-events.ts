import type { HeaderOf, HostWatch, IncomingMessage, PeerEvent } from '@starling/transport';
import type { ServerEvent } from '../round-types.js';
import type { HelloDesk } from './hello-desk.js';
import type { HostRecovery } from './host-recovery.js';
import type { Membership } from './membership.js';
import { splitUpdates } from './update-batch.js';
import type { UpdateIntake } from './update-intake.js';

/** The host-facing parts a server shares with its {@link HostEvents}. */
export interface HostEventParts {
  readonly membership: Membership;
  readonly hellos: HelloDesk;
  readonly watch: HostWatch;
  readonly recovery: HostRecovery;
  readonly intake: UpdateIntake;
  /** The server's position for presence events and logs: the open round, or the async model version. */
  position(): number;
}

/** What a server does with the host events the synchronous and the asynchronous server handle differently. */
export interface HostEventActions {
  /**
   * An `update` after the start, as `UpdateIntake.accept` turned it into a server event (null: refused
   * there, already counted); `m` is the message it came in.
   */
  update(event: ServerEvent | null, m: IncomingMessage): void;
  /** A batch of lane updates ({@link HostEvents.onUpdateBatch}) as accepted events, refused ones left out; absent: {@link update} each. */
  updates?(events: readonly ServerEvent[]): void;
  /** `peer`'s `error` about a node it carries, after the start (`reason`: `<code>: <message>`). */
  failed(peer: string, h: HeaderOf<'error'>, reason: string): void;
  /** A `node-state` message from `peer` (undefined: ignored, as by the asynchronous server). */
  nodeState?(peer: string, h: HeaderOf<'node-state'>, m: IncomingMessage): void;
  /** `peer` was lost or left; called after the presence watch heard of it, before `HostRecovery` does. */
  lost?(peer: string): void;
}

/**
 * The host events of a server over a ROUTER, dispatched the same way by the parameter server and the
 * async server: `hello` to the `HelloDesk` (an admitted, carrying host reported present), `update` to
 * `UpdateIntake` once the run started, `error` about a host's own node as that node's failure, lost and
 * returning hosts to the presence watch and `HostRecovery`. What differs between the two servers (what
 * an update or a failure does next, node states, a lost host's pending collection) is `HostEventActions`.
 */
export class HostEvents {
  constructor(
    private readonly parts: HostEventParts,
    private readonly act: HostEventActions,
  ) {}

  /** The router's peer event: a host lost, gone or heard from. */
  onPeer(e: PeerEvent): void {
    const { membership, watch, recovery } = this.parts;
    if (e.kind !== 'joined') {
      watch.lost(e.peer, this.parts.position(), `${e.kind}: ${e.reason}`);
      this.act.lost?.(e.peer);
      recovery.lost(e.peer, `${e.kind}: ${e.reason}`, e.kind === 'lost');
    }
    // A host we had given up on speaks again without saying hello: welcome it back, as after a hello.
    else if (membership.reconnected(e.peer)) {
      watch.present(e.peer, this.parts.position());
      recovery.arrived(e.peer);
    }
  }

  /** A message the router accepted from a host. */
  onMessage(m: IncomingMessage): void {
    const { membership, hellos } = this.parts;
    const h = m.header;
    const started = membership.started;
    const previousSeq = hellos.seen(m);
    if (h.type === 'hello') {
      hellos.hello(m, h, previousSeq);
      if (membership.registered(m.peer) && !membership.isLost(m.peer))
        this.parts.watch.present(m.peer, this.parts.position());
    } else if (h.type === 'update' && started) {
      this.update(m, h);
    } else if (h.type === 'updates' && started) {
      this.batch(m, h);
    } else if (h.type === 'node-state') {
      this.act.nodeState?.(m.peer, h, m);
    } else if (h.type === 'error' && started && h.node >= 0 && membership.ownerOf(h.node) === m.peer) {
      this.act.failed(m.peer, h, `${h.code}: ${h.message}`);
    }
  }

  /**
   * An update or node state a host in this process handed over by the shared lane (threads): handled
   * as if it came from the socket (no `seq` of a lane message is recorded: the lane has none).
   */
  onLane(m: IncomingMessage): void {
    const h = m.header;
    if (h.type === 'node-state') this.act.nodeState?.(m.peer, h, m);
    if (h.type === 'update' && this.parts.membership.started) this.update(m, h);
  }

  /**
   * An `updates` message (a worker process's block of by-reference updates): refused whole when
   * malformed, else each entry accepted as the `update` it stands for ({@link splitUpdates}).
   */
  private batch(m: IncomingMessage, h: HeaderOf<'updates'>): void {
    const split = splitUpdates(m, h);
    if (typeof split === 'string') {
      this.parts.intake.refuse(m, split);
      return;
    }
    this.onUpdateBatch(split);
  }

  /**
   * A batch of `update`s from one host: a pool task's nodes handed over by the shared lane in this process
   * (`SharedLane.postUpdates`), or an `updates` message split ({@link splitUpdates}). Each is accepted as
   * one `update` would be, then the accepted ones go to the server in one step.
   */
  onUpdateBatch(ms: readonly IncomingMessage[]): void {
    const updates = this.act.updates;
    if (!updates) {
      for (const m of ms) this.onLane(m);
      return;
    }
    if (!this.parts.membership.started) return;
    const events: ServerEvent[] = [];
    for (const m of ms) {
      const h = m.header;
      if (h.type !== 'update') continue;
      const event = this.parts.intake.accept(m, h, this.parts.membership.ownerOf(h.node));
      if (event) events.push(event);
    }
    if (events.length > 0) updates(events);
  }

  private update(m: IncomingMessage, h: HeaderOf<'update'>): void {
    this.act.update(this.parts.intake.accept(m, h, this.parts.membership.ownerOf(h.node)), m);
  }
}
