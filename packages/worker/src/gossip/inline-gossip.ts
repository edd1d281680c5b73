import { errors, type Kernels, type OptimizerState, peerAttack } from '@starling/core';
import trainTask from '../train-task.js';
import type { HostLog } from '../worker-host.js';
import { chocoPeer } from './choco-setup.js';
import { makeGossipCombine } from './gossip-aggregator-table.js';
import { GossipMonitor, type GossipRound } from './gossip-monitor.js';
import { GossipPeer } from './gossip-peer.js';
import { type GossipSetup, isReportRound } from './gossip-setup.js';
import { gossipTopology } from './gossip-topology.js';
import { initialModel } from './initial-model.js';
import { NodeTraffic } from './node-traffic.js';
import { optimizerCheckpoint, type PeerCheckpoint } from './peer-checkpoint.js';
import type { PeerCommand, PeerEvent } from './peer-events.js';
import { gossipWireBytes } from './wire-size.js';

/** Inputs of {@link runGossipInline}. */
export interface InlineGossipOptions {
  /** Run id (only used to size the headers that bytes are counted for). */
  readonly run: string;
  readonly setup: GossipSetup;
  /** Example indices per node id (empty arrays for consensus). */
  readonly partition: readonly Int32Array[];
  readonly kernels: Kernels;
  /** Called once per round, in round order, with every peer's report. */
  readonly onRound: (round: GossipRound) => void | Promise<void>;
  /** Where refused (malformed) payloads are logged. */
  readonly log?: Pick<HostLog, 'warn'>;
  /**
   * Aborting stops the run after the round being released (its `onRound` done): `runGossipInline` then
   * rejects with a StarlingError of code `interrupted`. The loop yields to the event loop once per round
   * while a signal is given, so a signal handler can run.
   */
  readonly signal?: AbortSignal;
  /**
   * Called after `onRound` of every round (the last one included) with a capture of every peer's state
   * at that boundary (by node id); awaited, and no peer begins the next round before it settles.
   */
  readonly boundary?: (round: number, capture: () => PeerCheckpoint[]) => Promise<void>;
  /** Continue after round `round` from these peer states (by node id, checked by `checkPeerCheckpoint`). */
  readonly resume?: { readonly round: number; readonly peers: readonly PeerCheckpoint[] };
}

/**
 * Runs every peer in the calling thread with an in-memory exchange: messages are delivered in FIFO order
 * and training runs at once, so deadlines never fire and no neighbour is ever dropped. The peers' round
 * logic, training (`train-task.ts`) and mixing are the ones the ZeroMQ hosts run, so a run without
 * failures ends on the same bits. Bytes are counted as the messages would take on the wire.
 *
 * With `boundary`, peers run in lockstep: each round ends with every peer held between rounds, the
 * round's `onRound`, then `boundary`; with `resume`, every peer starts from its checkpointed state at
 * round `resume.round + 1` (which round an event happens in never changes a bit, only when).
 */
export async function runGossipInline(o: InlineGossipOptions): Promise<{ rounds: number }> {
  const { setup } = o;
  const topology = gossipTopology(setup);
  const ids = Array.from({ length: setup.peers }, (_, i) => i);
  const from = o.resume ? o.resume.round + 1 : 0;
  const states = new Map<number, OptimizerState>();
  const combine = makeGossipCombine(setup.aggregator, 'gossip.aggregator');
  const chocos = ids.map((node) => chocoPeer(setup, node, topology, o.kernels));
  const peers = ids.map((node) => {
    const saved = o.resume?.peers[node];
    if (saved?.optimizer) states.set(node, saved.optimizer);
    if (saved?.choco) chocos[node]?.copies.restore(saved.choco);
    return new GossipPeer({
      node,
      algorithm: setup.algorithm,
      topology,
      rounds: setup.rounds,
      reportRound: (r) => isReportRound(setup, r),
      deadlineMs: setup.roundDeadlineMs,
      kernels: o.kernels,
      initial: saved?.x ?? initialModel(setup, node),
      from,
      ...(o.boundary ? { granted: from } : {}),
      choco: chocos[node],
      combine,
      attack: peerAttack(setup.node.adversary, node, setup.node.seed),
    });
  });
  const capture = (round: number) =>
    peers.map((p, node): PeerCheckpoint => {
      if (p.boundary !== round) throw errors.runtime(`peer ${node} is not between rounds ${round} and ${round + 1}`);
      const choco = chocos[node]?.copies.snapshot(round) ?? null;
      return { node, x: p.params, optimizer: optimizerCheckpoint(states.get(node) ?? null), choco };
    });
  const traffic = new NodeTraffic();
  const monitor = new GossipMonitor(ids, setup.rounds, from);
  const queue: [number, PeerEvent][] = ids.map((i) => [i, { type: 'start' }]);
  const codec = setup.choco?.compressor.kind;

  const execute = async (node: number, commands: PeerCommand[]) => {
    for (const c of commands) {
      if (c.type === 'send') {
        for (const to of c.to) {
          const bytes = gossipWireBytes(o.run, c.round, node, to, c.value, c.codec);
          traffic.sent(node, to, c.round, bytes);
          queue.push([to, { type: 'received', round: c.round, from: node, value: c.value }]);
        }
      } else if (c.type === 'train') {
        const r = trainTask({
          setup: setup.node,
          node,
          indices: o.partition[node],
          round: c.round,
          global: c.from,
          state: states.get(node) ?? null,
        });
        states.set(node, r.state);
        if (r.nonFinite !== undefined) {
          throw errors.diverged(`peer ${node} went non-finite in round ${c.round}: ${r.nonFinite}`);
        }
        queue.push([node, { type: 'trained', round: c.round, delta: r.delta, trainLoss: r.trainLoss, steps: r.steps }]);
      } else if (c.type === 'refused') {
        o.log?.warn({ node, from: c.from, round: c.round, reason: c.reason }, 'gossip payload refused');
      } else if (c.type === 'round-done') {
        const report = {
          ...c.report,
          heard: c.report.heard.length,
          dropped: c.report.dropped.length,
          droppedNodes: c.report.dropped,
          ...traffic.take(node, c.report.round),
          samples: o.partition[node].length,
          model: c.model,
        };
        for (const round of monitor.add(report)) {
          await o.onRound(round);
          // With a boundary the signal is looked at after it, so an interrupt's checkpoint is written first.
          if (o.signal && !o.boundary) await stopIfAborted(o.signal, round.round, setup.rounds);
        }
      }
    }
  };

  const drain = async () => {
    for (let head = 0; head < queue.length; head++) {
      const [node, event] = queue[head];
      if (event.type === 'received') {
        const bytes = gossipWireBytes(o.run, event.round, event.from, node, event.value, codec);
        traffic.received(node, event.round, bytes);
      }
      await execute(node, peers[node].handle(event));
      if (head > 4096 && head * 2 > queue.length) {
        queue.splice(0, head + 1);
        head = -1;
      }
    }
    queue.length = 0;
  };
  await drain();
  // With a boundary, the drained queue leaves every peer held after the round the monitor released last.
  for (let round = monitor.nextRound - 1; o.boundary && round >= from; round = monitor.nextRound - 1) {
    await o.boundary(round, () => capture(round));
    if (monitor.finished) break;
    if (o.signal) await stopIfAborted(o.signal, round, setup.rounds);
    for (const node of ids) queue.push([node, { type: 'proceed', round: round + 1 }]);
    await drain();
    if (monitor.nextRound !== round + 2) throw errors.runtime(`gossip stalled after round ${round + 1}`);
  }
  return { rounds: monitor.nextRound };
}

/** Yields to the event loop, then throws `interrupted` if `signal` aborted and rounds remain after `round`. */
async function stopIfAborted(signal: AbortSignal, round: number, rounds: number): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal.aborted && round + 1 < rounds) throw errors.interrupted(`after round ${round}`);
}
