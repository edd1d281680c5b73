import type { RouterEndpoint, RouterSecurity } from '@starling/transport';
import type { HostLog } from '../worker-host.js';
import type { HoldControl } from './coordinator-hold.js';
import type { GossipMembership } from './coordinator-membership.js';
import type { GossipMonitor } from './gossip-monitor.js';
import type { GossipSetup } from './gossip-setup.js';
import { gossipTopology } from './gossip-topology.js';
import { initialModel } from './initial-model.js';
import type { PeerCheckpoint } from './peer-checkpoint.js';
import { peerStateFrames } from './peer-state-wire.js';

/** Where a replacement host's peers start from, as logged and documented (docs/runtimes.md). */
export type RejoinSource =
  | { readonly kind: 'checkpoint'; readonly round: number }
  | { readonly kind: 'neighbour'; readonly node: number; readonly round: number }
  | { readonly kind: 'initial' };

/** The newest model the coordinator received from each node (report rounds), by node id. */
export type ReportedModels = ReadonlyMap<number, { readonly round: number; readonly x: Float32Array }>;

/**
 * The state a replacement peer of lost node `node` starts from: its own state in the newest checkpoint
 * when there is one (model, optimizer state; CHOCO runs take no replacement); else the newest reported
 * model of its live in-neighbour with the largest weight in W_`round` (ties: the lowest id), with a
 * fresh optimizer; else x⁰ (no model reported yet).
 */
export function rejoinState(
  setup: GossipSetup,
  node: number,
  round: number,
  checkpoint: { readonly round: number; readonly peers: readonly PeerCheckpoint[] } | null,
  models: ReportedModels,
  lost: ReadonlySet<number>,
): { state: PeerCheckpoint; source: RejoinSource } {
  const saved = checkpoint?.peers[node];
  if (checkpoint && saved) {
    return {
      state: { node, x: saved.x, optimizer: saved.optimizer, choco: null },
      source: { kind: 'checkpoint', round: checkpoint.round },
    };
  }
  const row = gossipTopology(setup).row(round, node);
  const live = row.neighbors
    .filter((e) => e.weight !== 0 && !lost.has(e.node) && models.has(e.node))
    .sort((a, b) => b.weight - a.weight || a.node - b.node);
  const j = live[0]?.node;
  const model = j === undefined ? undefined : models.get(j);
  if (j !== undefined && model) {
    return {
      state: { node, x: model.x, optimizer: null, choco: null },
      source: { kind: 'neighbour', node: j, round: model.round },
    };
  }
  return { state: { node, x: initialModel(setup, node), optimizer: null, choco: null }, source: { kind: 'initial' } };
}

/** Sends a replacement host the state of each of its peers (after round `from − 1`), right after its welcome. */
export function sendRejoinStates(
  router: RouterEndpoint,
  host: string,
  from: number,
  states: readonly PeerCheckpoint[],
): void {
  for (const s of states) {
    const { state, tensors } = peerStateFrames(s);
    void router.send(host, { type: 'peer-state', round: from - 1, node: s.node, state }, tensors);
  }
}

/** A log-friendly line for where replacement peers start. */
export function describeSource(s: RejoinSource): string {
  if (s.kind === 'checkpoint') return `its state in the checkpoint of round ${s.round}`;
  if (s.kind === 'neighbour') return `neighbour ${s.node}'s model of round ${s.round}, with a fresh optimizer`;
  return 'the initial model x0, with a fresh optimizer';
}

/** What {@link rejoinHost} works with: the coordinator's parts. */
export interface RejoinContext {
  readonly setup: GossipSetup;
  readonly members: GossipMembership;
  readonly monitor: GossipMonitor;
  readonly hold: HoldControl;
  readonly router: RouterEndpoint;
  readonly log: HostLog;
  readonly security?: RouterSecurity;
  /** The newest checkpoint's peer states, or null. */
  readonly latest: () => { readonly round: number; readonly peers: readonly PeerCheckpoint[] } | null;
  /** Whether the run is stopping or finished (no replacement then). */
  readonly ending: () => boolean;
  /** Welcomes `host` with its nodes (after `members.moveTo`, at its first round). */
  readonly welcome: (host: string) => Promise<unknown>;
  /** Telemetry: the replacement is present from round r (`HostWatch.present`). */
  readonly presence: { present(host: string, round: number): void };
}

/**
 * Makes `host` (gossip `endpoint`) the replacement of the lowest lost block (docs/protocol.md,
 * "Replacement hosts"): aligns the peers (`hold`, the last round h any finishes), sets r = h + 1,
 * computes each peer's state ({@link rejoinState}), tells every other live host with `moved` (round r)
 * before granting again, then welcomes the replacement and sends it the states. Tells the host `bye`
 * when the run is ending, no peer is lost any more, or r is past the last round.
 */
export async function rejoinHost(c: RejoinContext, host: string, endpoint: string): Promise<void> {
  const bye = (reason: string) => void c.router.send(host, { type: 'bye', round: 0, node: -1, reason });
  if (c.ending() || c.members.lostBlock().length === 0) return bye('the run is ending or no peer is lost');
  const last = await c.hold.align(false);
  const from = last + 1;
  const block = c.members.lostBlock();
  if (from >= c.setup.rounds || block.length === 0 || c.ending()) {
    c.hold.regrant(last);
    return bye('the run is ending or no peer is lost');
  }
  const states: PeerCheckpoint[] = [];
  const sources = new Map<number, RejoinSource>();
  for (const n of block) {
    const r = rejoinState(c.setup, n, from, c.latest(), c.members.models, c.members.lost);
    states.push(r.state);
    sources.set(n, r.source);
  }
  c.members.moveTo(host, endpoint, block, from);
  for (const n of block) c.monitor.back(n, from);
  const key = c.security?.allow.get(host) ?? '';
  for (const peer of c.members.liveHosts(c.router.peers())) {
    if (peer === host) continue;
    void c.router.send(peer, { type: 'moved', round: from, node: -1, host, nodes: block, endpoint, key });
  }
  c.hold.regrant(last);
  c.presence.present(host, from);
  c.log.info({ host, nodes: block, from }, 'replacement gossip host admitted');
  for (const [node, source] of sources) {
    c.log.info({ host, node, from, source: describeSource(source) }, 'replacement peer starts');
  }
  await c.welcome(host);
  sendRejoinStates(c.router, host, from, states);
}

/**
 * Why a `hello` after the start cannot make its host a replacement, or null when it can: a replacement
 * needs a lost block to take over, and CHOCO-SGD runs take none (the compressed copies x̂ on both ends of
 * each link would disagree).
 */
export function replacementRefusal(members: GossipMembership, setup: GossipSetup): string | null {
  if (members.lostBlock().length === 0) return 'the run has started and no peer is lost';
  return setup.choco ? 'a CHOCO-SGD run takes no replacement peer' : null;
}
