import { hostname } from 'node:os';
import { errors } from '@starling/core';
import {
  type CurveIdentity,
  DealerEndpoint,
  type EndpointLog,
  type IncomingMessage,
  type OutgoingHeader,
  type PeerEvent,
  RouterEndpoint,
  type SendResult,
  type TensorInput,
} from '@starling/transport';
import { GOSSIP_ZMTP } from './gossip-liveness.js';

/** How a gossip host's links are set up. Times in milliseconds. */
export interface HostLinksOptions {
  /** This host's id: its routing id on every link, and the name other hosts know it by. */
  readonly hostId: string;
  /**
   * CURVE on every link: this host's key pair (its name is `hostId`). The inbox admits nobody until
   * `configure` names the run's hosts and their keys.
   */
  readonly identity?: CurveIdentity;
  /** Where the gossip ROUTER binds (`tcp://127.0.0.1:*`, `tcp://0.0.0.0:7100`, `ipc:///tmp/g.sock`). */
  readonly bind: string;
  /** The address other hosts connect to (default: the bound address, a wildcard host replaced by this machine's name). */
  readonly advertise?: string;
  readonly log: EndpointLog;
  /** Every valid `gossip` message that arrives. */
  readonly onGossip: (message: IncomingMessage) => void;
  /** Another host became reachable (first message) or unreachable (bye, silence, disconnection). */
  readonly onHost: (host: string, alive: boolean, reason: string) => void;
  readonly heartbeatMs: number;
  readonly peerTimeoutMs: number;
}

/** `tcp://0.0.0.0:7100` → `tcp://<hostname>:7100`; other addresses unchanged. */
function connectable(address: string): string {
  return address.replace(/^tcp:\/\/(0\.0\.0\.0|\*|\[::\]|::)(?=:)/, `tcp://${hostname()}`);
}

/**
 * A gossip host's sockets: one bound ROUTER that receives `gossip` from every host that sends to one of
 * this host's nodes, and one DEALER per host this host sends to, connected on first use (the routing id
 * is this host's id, so the receiving ROUTER knows the sender's host). Messages name their node (`node`)
 * and destination (`to`), so one link carries every node pair between two hosts, and a host sends to its
 * own nodes through its own ROUTER too: every gossip byte crosses a real socket and is counted.
 */
export class HostLinks {
  /** The address announced to the coordinator. */
  readonly address: string;
  private readonly dealers = new Map<string, DealerEndpoint>();
  private endpoints: Readonly<Record<string, string>> = {};
  private run: string | undefined;
  private keys: Readonly<Record<string, string>> = {};

  private constructor(
    private readonly o: HostLinksOptions,
    private readonly inbox: RouterEndpoint,
  ) {
    this.address = o.advertise ?? connectable(inbox.address);
  }

  /** Binds the ROUTER; the DEALERs come with the first message to each host. */
  static async open(o: HostLinksOptions): Promise<HostLinks> {
    let links: HostLinks | undefined;
    const inbox = await RouterEndpoint.listen(o.bind, {
      ...(o.identity ? { security: { identity: o.identity, allow: new Map<string, string>() } } : {}),
      accept: ['gossip', 'heartbeat', 'bye', 'error'],
      log: o.log,
      heartbeatMs: o.heartbeatMs,
      peerTimeoutMs: o.peerTimeoutMs,
      ...GOSSIP_ZMTP,
      onMessage: (m) => {
        if (m.header.type === 'gossip') o.onGossip(m);
      },
      onPeer: (e) => links?.onPeer(e),
    });
    links = new HostLinks(o, inbox);
    return links;
  }

  /**
   * Sets the run id (stamped on sends, required of arrivals), every host's gossip endpoint and, with
   * CURVE, every host's public key: the inbox then admits exactly those hosts (this one included: it
   * sends to its own nodes through its inbox too). With CURVE and no key for some host (or another key
   * for this one) it throws a `config` error; without CURVE, `keys` is not used.
   */
  configure(run: string, endpoints: Readonly<Record<string, string>>, keys?: Readonly<Record<string, string>>): void {
    if (this.o.identity) {
      const missing = Object.keys(endpoints).filter((h) => keys?.[h] === undefined);
      if (missing.length > 0) {
        throw errors.option('welcome.config.keys', `a public key for every host (this host has a key)`, missing);
      }
      if (keys?.[this.o.hostId] !== this.o.identity.publicKey) {
        throw errors.option(
          `welcome.config.keys.${this.o.hostId}`,
          "this host's own public key",
          keys?.[this.o.hostId],
        );
      }
      this.inbox.setAllow(new Map(Object.keys(endpoints).map((h) => [h, (keys as Record<string, string>)[h]])));
      this.keys = keys as Record<string, string>;
    }
    this.run = run;
    this.endpoints = endpoints;
    this.inbox.setRun(run);
  }

  /**
   * A host that joined after the start (a replacement, `moved`): its gossip endpoint and, with CURVE,
   * its public key (then admitted by the inbox). A known host id at a new endpoint (a restarted host)
   * gets a fresh link.
   */
  addHost(host: string, endpoint: string, key: string): void {
    if (this.o.identity) {
      if (key === '') throw errors.option('moved.key', `a public key for host ${host} (this run uses CURVE)`, key);
      this.keys = { ...this.keys, [host]: key };
      this.inbox.setAllow(new Map(Object.entries(this.keys)));
    }
    const old = this.dealers.get(host);
    if (old && this.endpoints[host] !== endpoint) {
      this.dealers.delete(host);
      void old.close({ lingerMs: 0 });
    }
    this.endpoints = { ...this.endpoints, [host]: endpoint };
  }

  /** Sends one message to `host`'s ROUTER; never rejects (see `SendResult`). */
  send(host: string, header: OutgoingHeader, tensors: readonly TensorInput[]): Promise<SendResult> {
    return this.dealer(host).send(header, tensors);
  }

  /** Byte and message counters of the ROUTER (all arrivals) and of each DEALER (sends per host). */
  stats() {
    return {
      inbox: this.inbox.stats(),
      out: Object.fromEntries([...this.dealers].map(([host, d]) => [host, d.stats()])),
    };
  }

  /** Closes every socket, letting already accepted messages flush for `lingerMs`. */
  async close(lingerMs = 500): Promise<void> {
    await Promise.all([...this.dealers.values()].map((d) => d.close({ lingerMs })));
    await this.inbox.close({ lingerMs });
  }

  private dealer(host: string): DealerEndpoint {
    let d = this.dealers.get(host);
    if (!d) {
      const address = this.endpoints[host];
      if (address === undefined) throw errors.runtime(`no gossip endpoint is known for host ${host}`);
      const identity = this.o.identity;
      d = DealerEndpoint.connect(address, {
        routingId: this.o.hostId,
        ...(identity ? { security: { identity, serverKey: this.keys[host] as string } } : {}),
        peerName: host,
        run: this.run,
        accept: ['heartbeat', 'bye', 'error'],
        log: this.o.log,
        heartbeatMs: this.o.heartbeatMs,
        peerTimeoutMs: this.o.peerTimeoutMs,
        ...GOSSIP_ZMTP,
        onMessage: () => {},
        onPeer: (e) => this.onPeer(e),
      });
      this.dealers.set(host, d);
    }
    return d;
  }

  private onPeer(e: PeerEvent): void {
    this.o.onHost(e.peer, e.kind === 'joined', e.reason);
  }
}
