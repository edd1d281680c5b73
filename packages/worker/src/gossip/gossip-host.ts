import { availableParallelism } from 'node:os';
import { errors, type Kernels, StarlingError } from '@starling/core';
import { DealerEndpoint, type IncomingMessage, type MovedHeader, type WelcomeHeader } from '@starling/transport';
import { HelloLoop } from '../hello-loop.js';
import { hostIdFor } from '../host-id.js';
import { loadKernels } from '../kernel-choice.js';
import { onHost } from '../node-setup.js';
import { refuseWelcome } from '../refuse-welcome.js';
import { ServerWait } from '../server-wait.js';
import type { ChocoPeer } from './choco-setup.js';
import { parseGossipHostConfig } from './gossip-config-schema.js';
import type { GossipHostOptions } from './gossip-host-options.js';
import { acceptGossip } from './gossip-intake.js';
import { GOSSIP_ZMTP } from './gossip-liveness.js';
import type { GossipHostConfig } from './gossip-setup.js';
import { PendingRestore, sendPeerStates } from './host-checkpoint.js';
import { HostLinks } from './host-links.js';
import { buildHostPeers } from './host-peer-setup.js';
import { MonitorReporter } from './monitor-reporter.js';
import { NodeTraffic } from './node-traffic.js';
import type { PeerCheckpoint } from './peer-checkpoint.js';
import { PeerExecutor } from './peer-executor.js';
import { PeerTraining } from './peer-training.js';

/**
 * A gossip host: carries one or more peers (one per process gives separate processes), binds a ROUTER
 * for their incoming gossip, says `hello` with that address to the coordinator, gets the run's setup,
 * its nodes and every host's address in `welcome`, then runs each peer's round logic (`GossipPeer`,
 * driven by a `PeerExecutor`) on its own, with no coordinator in the loop: training in a piscina pool,
 * deadlines as timers, lost hosts (ZMTP and application heartbeats, or the coordinator's `lost` message)
 * turned into `neighbour-lost` events. Each round it sends the peer's report (and, on report rounds, its
 * model) to the coordinator as an `update`: the monitor channel, a different socket from the gossip
 * links, so it never counts as gossip bytes. `finished` settles when the coordinator says `bye`, when
 * every peer is done and the coordinator is gone, or after `serverWaitMs` without the coordinator (then
 * `failure` is set).
 *
 * The peers begin rounds up to `welcome.config.grant` and then hold until the coordinator's `proceed`;
 * `hold` stops them after the round they are in (the host replies with the last round any finishes);
 * the host answers `snapshot` with each peer's `peer-state`, and `moved` points its peers at a
 * replacement host of lost nodes. With `config.from` > 0 (a resumed run, or a replacement host) it
 * first waits for a `peer-state` of each of its nodes and starts them from it (docs/protocol.md).
 */
export class GossipHost {
  readonly hostId: string;
  readonly finished: Promise<string>;
  private finish!: (reason: string) => void;
  private readonly coordinator: DealerEndpoint;
  private config: GossipHostConfig | null = null;
  /** The host carrying each node (the welcome's, updated by `moved`). */
  private owners: string[] = [];
  private kernels: Kernels | null = null;
  private training: PeerTraining | null = null;
  private readonly executor: PeerExecutor;
  private readonly chocos = new Map<number, ChocoPeer>();
  private restoring: PendingRestore | null = null;
  private readonly indices = new Map<number, Int32Array>();
  private readonly traffic = new NodeTraffic();
  private readonly monitor: MonitorReporter;
  private readonly lostHosts = new Set<string>();
  private early: IncomingMessage[] = [];
  private readonly hellos = new HelloLoop(() => this.hello());
  private readonly coordinatorWait: ServerWait;
  private closed = false;
  private refusedHere = 0;
  /** Set when the host refused its `welcome` (a bad config), before `finished` settles. */
  failure: StarlingError | null = null;

  private constructor(
    private readonly o: GossipHostOptions,
    private readonly links: HostLinks,
    hostId: string,
  ) {
    this.hostId = hostId;
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
    const waitMs = o.serverWaitMs ?? 60_000;
    this.coordinatorWait = new ServerWait(waitMs, () => {
      const why = `no coordinator at ${o.connect} for ${waitMs / 1000} s (--server-wait-s); giving up`;
      o.log.error({ connect: o.connect, waitS: waitMs / 1000 }, why);
      void this.close('no coordinator', errors.runtime(`gossip host ${hostId}: ${why}`));
    });
    this.coordinatorWait.start();
    this.coordinator = DealerEndpoint.connect(o.connect, {
      routingId: hostId,
      ...(o.security ? { security: o.security } : {}),
      peerName: 'coordinator',
      log: o.log,
      heartbeatMs: o.heartbeatMs ?? 500,
      peerTimeoutMs: 4 * (o.peerTimeoutMs ?? 5000),
      ...GOSSIP_ZMTP,
      onMessage: (m) => this.onCoordinator(m),
      onPeer: (e) => {
        if (e.kind === 'joined') this.coordinatorWait.stop();
        if (e.kind !== 'lost') return; // `left` comes with the coordinator's bye, handled as a message
        this.coordinatorWait.start();
        this.o.log.warn({ reason: e.reason, waitS: waitMs / 1000 }, 'coordinator lost; gossip goes on');
        if (this.allDone()) void this.close('finished; coordinator gone');
      },
    });
    this.monitor = new MonitorReporter(this.coordinator, this.traffic, o.log, (n) => this.indices.get(n)?.length ?? 0);
    this.executor = new PeerExecutor({
      log: o.log,
      send: (to, header, tensors) => this.links.send(this.owners[to], header, tensors),
      monitor: this.monitor,
      traffic: this.traffic,
      coordinator: this.coordinator,
    });
  }

  /** Gossip messages refused by this host (unknown destination, wrong sender host, bad payload). */
  get refused(): number {
    return this.refusedHere + this.executor.refused;
  }

  /** Binds the gossip ROUTER, connects to the coordinator and says `hello` until welcomed. */
  static async start(o: GossipHostOptions): Promise<GossipHost> {
    const hostId = hostIdFor(o.hostId, o.security);
    let host: GossipHost | undefined;
    const links = await HostLinks.open({
      hostId,
      ...(o.security ? { identity: o.security.identity } : {}),
      bind: o.bind ?? 'tcp://127.0.0.1:*',
      advertise: o.advertise,
      log: o.log,
      heartbeatMs: o.heartbeatMs ?? 500,
      peerTimeoutMs: o.peerTimeoutMs ?? 5000,
      onGossip: (m) => host?.onGossip(m),
      onHost: (h, alive, reason) => host?.onHost(h, alive, reason),
    });
    host = new GossipHost(o, links, hostId);
    host.hellos.start();
    return host;
  }

  /** The gossip address announced to the coordinator. */
  get endpoint(): string {
    return this.links.address;
  }

  /** Stops every peer and closes the sockets and the pool; safe to call twice. */
  async close(reason = 'closed', failure: StarlingError | null = null): Promise<void> {
    if (this.closed) return;
    this.failure = failure;
    this.closed = true;
    this.hellos.stop();
    this.coordinatorWait.close();
    this.executor.close();
    await Promise.race([this.monitor.settled(), new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.coordinator.send({ type: 'bye', round: 0, node: -1, reason }).catch(() => undefined);
    await this.coordinator.close({ lingerMs: 200 });
    await this.links.close();
    await this.training?.destroy();
    this.finish(reason);
  }

  private hello(): void {
    void this.coordinator.send({
      type: 'hello',
      round: 0,
      node: -1,
      host: this.hostId,
      caps: { kernels: 'auto', cores: this.o.threads ?? availableParallelism(), version: '0.1.0' },
      nodes: [],
      endpoint: this.links.address,
    });
  }

  private onCoordinator(m: IncomingMessage): void {
    const h = m.header;
    if (h.type === 'welcome' && this.config === null && this.restoring === null) this.onWelcome(h);
    else if (h.type === 'lost') this.onHost(h.host, false, 'announced lost by the coordinator');
    else if (h.type === 'peer-state' && this.restoring) this.restore(this.restoring, m);
    else if (h.type === 'proceed') this.executor.feedAll({ type: 'proceed', round: h.round });
    else if (h.type === 'hold') this.hold();
    else if (h.type === 'moved') this.moved(h);
    else if (h.type === 'snapshot') {
      const peers = { peers: this.executor.peers, chocos: this.chocos, training: this.training };
      sendPeerStates(peers, h.round, this.coordinator, this.o.log);
    } else if (h.type === 'bye') void this.close(`coordinator said bye: ${h.reason}`);
  }

  private onWelcome(h: WelcomeHeader): void {
    this.hellos.stop();
    let config: GossipHostConfig;
    try {
      config = parseGossipHostConfig(h.config);
      config = { ...config, gossip: { ...config.gossip, node: onHost(config.gossip.node, this.o.dataDir) } };
      this.links.configure(h.run, config.endpoints, config.keys);
    } catch (err) {
      // A bad config: `error bad-config` to the server, then bye and close with the error as the failure.
      void refuseWelcome(this.coordinator, this.o.log, err, h.seq, (failure, reason) => this.close(reason, failure));
      return;
    }
    this.coordinator.setRun(h.run);
    if ((config.from ?? 0) > 0 && h.nodes.length > 0) this.restoring = new PendingRestore(config, h.nodes);
    else this.begin(config, h.nodes);
  }

  /** `hold`: every peer stops after the round it is in; the reply names the last round any finishes. */
  private hold(): void {
    void this.coordinator.send({ type: 'hold', round: this.executor.holdAll(), node: -1 });
  }

  /** `moved`: a replacement host carries `h.nodes`, which gossip again from round `h.round` on. */
  private moved(h: MovedHeader): void {
    if (!this.config || h.host === this.hostId) return;
    try {
      this.links.addHost(h.host, h.endpoint, h.key);
    } catch (err) {
      this.o.log.error({ err, host: h.host }, 'a replacement host cannot be linked; its nodes stay left out');
      return;
    }
    for (const n of h.nodes) this.owners[n] = h.host;
    this.lostHosts.delete(h.host);
    this.o.log.info({ host: h.host, nodes: h.nodes, from: h.round }, 'gossip peers moved to a replacement host');
    for (const node of h.nodes) this.executor.feedAll({ type: 'neighbour-back', node, from: h.round });
  }

  private restore(r: PendingRestore, m: IncomingMessage): void {
    let complete: boolean;
    try {
      complete = r.add(m);
    } catch (err) {
      this.o.log.error({ err }, 'a peer-state to resume from does not fit this run');
      void this.close('bad peer-state', err instanceof StarlingError ? err : null);
      return;
    }
    if (!complete) return;
    this.restoring = null;
    this.begin(r.config, r.nodes, r.states);
  }

  private begin(config: GossipHostConfig, nodes: readonly number[], saved?: ReadonlyMap<number, PeerCheckpoint>): void {
    const s = config.gossip;
    this.config = config;
    this.owners = [...config.owners];
    this.kernels = loadKernels(s.node.kernels).kernels;
    if (s.algorithm.kind === 'dpsgd')
      this.training = new PeerTraining(s.node, this.o.threads ?? availableParallelism());
    this.executor.setTraining(this.training);
    for (const node of nodes) this.indices.set(node, Int32Array.from(config.partition[String(node)] ?? []));
    const built = buildHostPeers(config, nodes, this.kernels, this.training, saved);
    for (const [node, peer] of built.peers) this.executor.peers.set(node, peer);
    for (const [node, choco] of built.chocos) this.chocos.set(node, choco);
    this.o.log.info(
      { nodes: nodes.length, peers: s.peers, rounds: s.rounds, from: config.from ?? 0 },
      'gossip peers starting',
    );
    // A replacement host: the nodes still lost when it was welcomed are left out from the start.
    for (const j of config.lost ?? []) this.executor.feedAll({ type: 'neighbour-lost', node: j });
    this.executor.feedAll({ type: 'start' });
    const early = this.early;
    this.early = [];
    for (const m of early) this.onGossip(m);
    if (nodes.length === 0) void this.close('no nodes');
  }

  private onGossip(m: IncomingMessage): void {
    if (this.closed) return;
    const config = this.config;
    if (!config) {
      if (this.early.length < 100_000) this.early.push(m);
      return;
    }
    const h = m.header;
    if (h.type !== 'gossip') return;
    const g = acceptGossip(m, h, config, this.owners, this.executor.peers);
    if (g === null) {
      this.refusedHere++;
      this.o.log.warn(
        { from: m.peer, node: h.node, to: h.to },
        'gossip refused: unknown node, wrong host or bad payload',
      );
      return;
    }
    this.traffic.received(g.to, g.round, m.bytes);
    this.executor.feed(g.to, { type: 'received', round: g.round, from: g.from, value: g.value });
  }

  private onHost(host: string, alive: boolean, reason: string): void {
    if (!this.config || host === this.hostId || this.closed) return;
    if (alive ? !this.lostHosts.delete(host) : this.lostHosts.has(host)) return;
    if (!alive) this.lostHosts.add(host);
    const nodes = this.owners.flatMap((owner, j) => (owner === host ? [j] : []));
    if (!this.executor.allDone) {
      if (alive) this.o.log.info({ host, nodes }, 'gossip host back');
      else this.o.log.warn({ host, reason, nodes }, 'gossip host lost; its nodes are left out until heard from');
    }
    for (const j of nodes) this.executor.feedAll({ type: alive ? 'neighbour-back' : 'neighbour-lost', node: j });
  }

  private allDone(): boolean {
    return this.config !== null && this.executor.allDone;
  }
}
