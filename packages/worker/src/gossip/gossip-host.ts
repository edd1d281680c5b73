import { availableParallelism } from 'node:os';
import { errors, type Kernels, peerAttack, StarlingError } from '@starling/core';
import { DealerEndpoint, type IncomingMessage } from '@starling/transport';
import { HelloLoop } from '../hello-loop.js';
import { hostIdFor } from '../host-id.js';
import { loadKernels } from '../kernel-choice.js';
import { onHost } from '../node-setup.js';
import { refuseWelcome } from '../refuse-welcome.js';
import { ServerWait } from '../server-wait.js';
import { type ChocoPeer, chocoPeer } from './choco-setup.js';
import { makeGossipCombine } from './gossip-aggregator-table.js';
import { parseGossipHostConfig } from './gossip-config-schema.js';
import type { GossipHostOptions } from './gossip-host-options.js';
import { GOSSIP_ZMTP } from './gossip-liveness.js';
import { GossipPeer } from './gossip-peer.js';
import { type GossipHostConfig, isReportRound } from './gossip-setup.js';
import { gossipTopology } from './gossip-topology.js';
import { PendingRestore, sendPeerStates } from './host-checkpoint.js';
import { HostLinks } from './host-links.js';
import { initialModel } from './initial-model.js';
import { MonitorReporter } from './monitor-reporter.js';
import { NodeTraffic } from './node-traffic.js';
import type { PeerCheckpoint } from './peer-checkpoint.js';
import type { PeerCommand, PeerEvent } from './peer-events.js';
import { PeerTraining } from './peer-training.js';
import { GOSSIP_TENSOR } from './wire-size.js';

/**
 * A gossip host: carries one or more peers (one per process gives separate processes), binds a ROUTER
 * for their incoming gossip, says `hello` with that address to the coordinator, gets the run's setup,
 * its nodes and every host's address in `welcome`, then runs each peer's round logic (`GossipPeer`) on
 * its own, with no coordinator in the loop: training in a piscina pool, deadlines as timers, lost hosts
 * (ZMTP and application heartbeats, or the coordinator's `lost` message) turned into `neighbour-lost`
 * events. Each round it sends the peer's
 * report (and, on report rounds, its model) to the coordinator as an `update`: the monitor channel,
 * a different socket from the gossip links, so it never counts as gossip bytes. `finished` settles
 * when the coordinator says `bye`, when every peer is done and the coordinator is gone, or after
 * `serverWaitMs` without the coordinator (then `failure` is set).
 *
 * With `welcome.config.lockstep` the peers hold after each round until the coordinator's `proceed`,
 * and the host answers `snapshot` with each peer's `peer-state`; with `config.from` > 0 it first waits
 * for a `peer-state` of each of its nodes and starts them from it (docs/protocol.md).
 */
export class GossipHost {
  readonly hostId: string;
  readonly finished: Promise<string>;
  private finish!: (reason: string) => void;
  private readonly coordinator: DealerEndpoint;
  private config: GossipHostConfig | null = null;
  private kernels: Kernels | null = null;
  private training: PeerTraining | null = null;
  private readonly peers = new Map<number, GossipPeer>();
  private readonly chocos = new Map<number, ChocoPeer>();
  private restoring: PendingRestore | null = null;
  private readonly indices = new Map<number, Int32Array>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly traffic = new NodeTraffic();
  private readonly monitor: MonitorReporter;
  private readonly lostHosts = new Set<string>();
  private early: IncomingMessage[] = [];
  private readonly hellos = new HelloLoop(() => this.hello());
  private readonly coordinatorWait: ServerWait;
  private done = 0;
  private closed = false;
  /** Gossip messages refused by this host (unknown destination, wrong sender host, bad payload). */
  refused = 0;
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
    this.coordinatorWait.stop();
    for (const t of this.timers.values()) clearTimeout(t);
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
    if (h.type === 'welcome' && this.config === null && this.restoring === null) {
      this.hellos.stop();
      let config: GossipHostConfig;
      try {
        config = parseGossipHostConfig(h.config);
      } catch (err) {
        // A bad config: `error bad-config` to the server, then bye and close with the error as the failure.
        void refuseWelcome(this.coordinator, this.o.log, err, h.seq, (failure, reason) => this.close(reason, failure));
        return;
      }
      config = { ...config, gossip: { ...config.gossip, node: onHost(config.gossip.node, this.o.dataDir) } };
      try {
        this.links.configure(h.run, config.endpoints, config.keys);
      } catch (err) {
        void refuseWelcome(this.coordinator, this.o.log, err, h.seq, (failure, reason) => this.close(reason, failure));
        return;
      }
      this.coordinator.setRun(h.run);
      if ((config.from ?? 0) > 0 && h.nodes.length > 0) this.restoring = new PendingRestore(config, h.nodes);
      else this.begin(config, h.nodes);
    } else if (h.type === 'lost') {
      this.onHost(h.host, false, 'announced lost by the coordinator');
    } else if (h.type === 'peer-state' && this.restoring) {
      this.restore(this.restoring, m);
    } else if (h.type === 'proceed') {
      for (const node of this.peers.keys()) this.feed(node, { type: 'proceed', round: h.round });
    } else if (h.type === 'snapshot') {
      const peers = { peers: this.peers, chocos: this.chocos, training: this.training };
      sendPeerStates(peers, h.round, this.coordinator, this.o.log);
    } else if (h.type === 'bye') {
      void this.close(`coordinator said bye: ${h.reason}`);
    }
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
    const from = config.from ?? 0;
    this.config = config;
    this.kernels = loadKernels(s.node.kernels).kernels;
    const topology = gossipTopology(s);
    const combine = makeGossipCombine(s.aggregator, 'welcome.config.gossip.aggregator');
    if (s.algorithm.kind === 'dpsgd') {
      const threads = this.o.threads ?? availableParallelism();
      this.training = new PeerTraining(s.node, threads);
    }
    for (const node of nodes) {
      this.indices.set(node, Int32Array.from(config.partition[String(node)] ?? []));
      this.training?.assign(node, this.indices.get(node) as Int32Array);
      const state = saved?.get(node);
      const choco = chocoPeer(s, node, topology, this.kernels);
      if (choco) this.chocos.set(node, choco);
      if (state?.choco) choco?.copies.restore(state.choco);
      if (state) this.training?.restore(node, state.optimizer);
      const peer = new GossipPeer({
        node,
        algorithm: s.algorithm,
        topology,
        rounds: s.rounds,
        reportRound: (r) => isReportRound(s, r),
        deadlineMs: s.roundDeadlineMs,
        kernels: this.kernels,
        initial: state?.x ?? initialModel(s, node),
        from,
        ...(config.lockstep ? { granted: from } : {}),
        choco,
        combine,
        attack: peerAttack(s.node.adversary, node, s.node.seed),
      });
      this.peers.set(node, peer);
    }
    this.o.log.info({ nodes: nodes.length, peers: s.peers, rounds: s.rounds }, 'gossip peers starting');
    for (const node of nodes) this.feed(node, { type: 'start' });
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
    const peer = this.peers.get(h.to);
    const t = m.tensors.find((x) => x.name === GOSSIP_TENSOR);
    // CHOCO payloads are u8 bytes that the peer decodes and checks; plain values are model-sized f32
    const ok = config.gossip.choco
      ? t?.dtype === 'u8'
      : t?.data instanceof Float32Array && t.data.length === peer?.params.length;
    if (!peer || config.owners[h.node] !== m.peer || !ok) {
      this.refused++;
      this.o.log.warn(
        { from: m.peer, node: h.node, to: h.to },
        'gossip refused: unknown node, wrong host or bad payload',
      );
      return;
    }
    this.traffic.received(h.to, h.round, m.bytes);
    const value = t?.data as Float32Array | Uint8Array;
    this.feed(h.to, { type: 'received', round: h.round, from: h.node, value });
  }

  private onHost(host: string, alive: boolean, reason: string): void {
    const config = this.config;
    if (!config || host === this.hostId || this.closed) return;
    if (alive ? !this.lostHosts.delete(host) : this.lostHosts.has(host)) return;
    if (!alive) this.lostHosts.add(host);
    const nodes = config.owners.flatMap((owner, j) => (owner === host ? [j] : []));
    if (!this.allDone()) {
      if (alive) this.o.log.info({ host, nodes }, 'gossip host back');
      else this.o.log.warn({ host, reason, nodes }, 'gossip host lost; its nodes are left out until heard from');
    }
    for (const node of this.peers.keys()) {
      for (const j of nodes) this.feed(node, { type: alive ? 'neighbour-back' : 'neighbour-lost', node: j });
    }
  }

  private allDone(): boolean {
    return this.config !== null && this.done === this.peers.size;
  }

  private feed(node: number, event: PeerEvent): void {
    const peer = this.peers.get(node);
    if (!peer || this.closed) return;
    this.execute(node, peer.handle(event));
  }

  private execute(node: number, commands: PeerCommand[]): void {
    for (const c of commands) {
      if (c.type === 'send') this.send(node, c.round, c.to, c.value, c.codec);
      else if (c.type === 'refused') {
        this.refused++;
        this.o.log.warn({ node, from: c.from, round: c.round, reason: c.reason }, 'gossip payload refused');
      } else if (c.type === 'train') void this.train(node, c.round, c.from);
      else if (c.type === 'arm-deadline') {
        clearTimeout(this.timers.get(node));
        this.timers.set(
          node,
          setTimeout(() => this.feed(node, { type: 'deadline', round: c.round }), c.ms),
        );
      } else if (c.type === 'round-done') this.monitor.report(node, c.report, c.model);
      else if (c.type === 'finished') {
        clearTimeout(this.timers.get(node));
        this.done++;
        if (this.allDone()) this.o.log.info({ rounds: c.rounds }, 'every peer of this host finished');
      }
    }
  }

  private send(
    node: number,
    round: number,
    to: readonly number[],
    value: Float32Array | Uint8Array,
    codec: string | undefined,
  ): void {
    const owners = (this.config as GossipHostConfig).owners;
    for (const j of to) {
      const sent = this.links
        .send(owners[j], { type: 'gossip', round, node, to: j }, [
          { name: GOSSIP_TENSOR, data: value, owned: true, ...(codec ? { codec } : {}) },
        ])
        .then((r) => {
          if (r.ok) this.traffic.sent(node, j, round, r.bytes);
          else this.o.log.debug({ node, to: j, round, reason: r.reason }, 'gossip message dropped');
        });
      this.monitor.track(node, sent);
    }
  }

  private async train(node: number, round: number, from: Float32Array): Promise<void> {
    try {
      const r = await (this.training as PeerTraining).train(node, round, from);
      if (r.nonFinite !== undefined) {
        // A diverged peer would poison its neighbours: the coordinator fails the run (and says bye).
        this.o.log.error({ node, round, problem: r.nonFinite }, 'training went non-finite; the peer stops');
        const message = r.nonFinite.slice(0, 1000);
        void this.coordinator.send({ type: 'error', round, node, code: 'non-finite', message, ref: -1 });
        return;
      }
      this.feed(node, { type: 'trained', round, delta: r.delta, trainLoss: r.trainLoss, steps: r.steps });
    } catch (err) {
      if (this.closed) return;
      this.o.log.error({ err, node, round }, 'local training failed; the peer only mixes this round');
      this.feed(node, {
        type: 'trained',
        round,
        delta: new Float32Array(from.length),
        trainLoss: Number.NaN,
        steps: 0,
      });
    }
  }
}
