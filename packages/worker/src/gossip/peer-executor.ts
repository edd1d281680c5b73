import type { DealerEndpoint, SendResult, TensorInput } from '@starling/transport';
import type { HostLog } from '../worker-host.js';
import type { GossipPeer } from './gossip-peer.js';
import type { MonitorReporter } from './monitor-reporter.js';
import type { NodeTraffic } from './node-traffic.js';
import type { PeerCommand, PeerEvent } from './peer-events.js';
import type { PeerTraining } from './peer-training.js';
import { GOSSIP_TENSOR } from './wire-size.js';

/** What a {@link PeerExecutor} drives its peers with. */
export interface PeerExecutorOptions {
  readonly log: HostLog;
  /** Sends one gossip message to the host carrying node `to` (its current owner). */
  readonly send: (
    to: number,
    header: { type: 'gossip'; round: number; node: number; to: number },
    tensors: TensorInput[],
  ) => Promise<SendResult>;
  readonly monitor: MonitorReporter;
  readonly traffic: NodeTraffic;
  /** The coordinator link, for a peer gone non-finite. */
  readonly coordinator: DealerEndpoint;
}

/**
 * Runs the commands of a gossip host's peers (`GossipPeer`, events in, commands out): gossip sends to
 * the nodes' current hosts, local training in the pool, deadline timers, reports to the monitor. Every
 * event a peer gets goes through `feed`, so commands are executed in the order the peer emitted them.
 */
export class PeerExecutor {
  readonly peers = new Map<number, GossipPeer>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private training: PeerTraining | null = null;
  private done = 0;
  private closed = false;
  /** Payloads the peers refused (CHOCO decoding). */
  refused = 0;

  constructor(private readonly o: PeerExecutorOptions) {}

  /** The pool that trains the peers (D-PSGD), set before the first `start`. */
  setTraining(training: PeerTraining | null): void {
    this.training = training;
  }

  /** True once every peer of this host finished (and the host has peers). */
  get allDone(): boolean {
    return this.peers.size > 0 && this.done === this.peers.size;
  }

  /** Hands `event` to peer `node` and executes what it answers. */
  feed(node: number, event: PeerEvent): void {
    const peer = this.peers.get(node);
    if (!peer || this.closed) return;
    this.execute(node, peer.handle(event));
  }

  /** `hold`: every peer stops after the round it is in; returns the last round any of them finishes. */
  holdAll(): number {
    this.feedAll({ type: 'hold' });
    let last = 0;
    for (const peer of this.peers.values()) last = Math.max(last, peer.holdsAfter);
    return last;
  }

  /** Hands `event` to every peer, in node order of arrival. */
  feedAll(event: PeerEvent): void {
    for (const node of this.peers.keys()) this.feed(node, event);
  }

  /** Stops every timer; later events are ignored. */
  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
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
      } else if (c.type === 'round-done') this.o.monitor.report(node, c.report, c.model);
      else if (c.type === 'finished') {
        clearTimeout(this.timers.get(node));
        this.done++;
        if (this.allDone) this.o.log.info({ rounds: c.rounds }, 'every peer of this host finished');
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
    for (const j of to) {
      const sent = this.o
        .send(j, { type: 'gossip', round, node, to: j }, [
          { name: GOSSIP_TENSOR, data: value, owned: true, ...(codec ? { codec } : {}) },
        ])
        .then((r) => {
          if (r.ok) this.o.traffic.sent(node, j, round, r.bytes);
          else this.o.log.debug({ node, to: j, round, reason: r.reason }, 'gossip message dropped');
        });
      this.o.monitor.track(node, sent);
    }
  }

  private async train(node: number, round: number, from: Float32Array): Promise<void> {
    try {
      const r = await (this.training as PeerTraining).train(node, round, from);
      if (r.nonFinite !== undefined) {
        // A diverged peer would poison its neighbours: the coordinator fails the run (and says bye).
        this.o.log.error({ node, round, problem: r.nonFinite }, 'training went non-finite; the peer stops');
        const message = r.nonFinite.slice(0, 1000);
        void this.o.coordinator.send({ type: 'error', round, node, code: 'non-finite', message, ref: -1 });
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
