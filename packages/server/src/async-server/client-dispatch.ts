import type { OutgoingHeader, RouterEndpoint } from '@starling/transport';
import type { Membership } from '../parameter-server/membership.js';
import type { ServerLog } from '../parameter-server/server-log.js';
import type { ServerEvent } from '../round-types.js';
import type { AsyncLoop } from './async-loop.js';

/**
 * Which clients an asynchronous server can dispatch and the sending of their tasks: a client can go out
 * when the host carrying it is connected and not lost and it was not reported lost with its host. Lost
 * hosts' clients in flight are given up (`AsyncLoop.lose`); clients carried again may be drawn.
 */
export class ClientDispatch {
  /** Clients whose host was reported lost (not dispatchable until a host carries them again). */
  private readonly down = new Set<number>();

  constructor(
    private readonly loop: AsyncLoop,
    private readonly membership: Membership,
    private readonly router: () => RouterEndpoint,
    private readonly log: ServerLog,
  ) {}

  /** The host of `client` when it is connected and carries it, else undefined. */
  private hostOf(client: number): string | undefined {
    const host = this.membership.ownerOf(client);
    if (host === undefined || this.down.has(client) || this.membership.isLost(host)) return undefined;
    return this.router().peers().includes(host) ? host : undefined;
  }

  /**
   * Dispatches idle clients until `concurrency` are in flight: one `task` each (its `round` the ticket),
   * the current model encoded once for all of them.
   */
  fill(): void {
    const targets: { peer: string; header: OutgoingHeader }[] = [];
    for (const f of this.loop.fill((c) => this.hostOf(c) !== undefined)) {
      const peer = this.hostOf(f.client);
      if (peer === undefined) continue; // cannot happen: fill just asked
      const header = { type: 'task', round: f.ticket, node: -1, nodes: [f.client], model: 'full' } as const;
      targets.push({ peer, header: { ...header, nodes: [f.client], config: {}, deadlineMs: 0 } });
    }
    if (targets.length > 0) void this.router().broadcast(targets, [{ name: 'model', data: this.loop.model }]);
  }

  /** Lost hosts' clients are given up and passed over; clients carried again may be drawn. */
  nodeEvents(events: readonly ServerEvent[]): void {
    const lost = new Set<number>();
    for (const e of events) {
      if (e.type === 'node-lost') lost.add(e.node);
      else if (e.type === 'node-joined') this.down.delete(e.node);
    }
    for (const n of lost) this.down.add(n);
    const dropped = this.loop.lose((c) => lost.has(c));
    if (dropped > 0) this.log.warn({ dropped, version: this.loop.version }, 'clients in flight lost with their host');
    this.fill();
  }

  /** `host` came back or took over a lost host's clients: those still in flight start again. */
  restart(host: string): void {
    const dropped = this.loop.lose((c) => this.membership.ownerOf(c) === host);
    if (dropped > 0) this.log.info({ host, dropped }, 'clients in flight on a returning host dispatched again');
    this.fill();
  }
}
