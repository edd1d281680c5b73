import type { RouterEndpoint } from '@starling/transport';
import type { HostLog } from '../worker-host.js';
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

/** Logs where each replacement peer starts from (one line per node). */
export function logRejoin(log: HostLog, host: string, from: number, sources: ReadonlyMap<number, RejoinSource>): void {
  for (const [node, source] of sources) {
    log.info({ host, node, from, source: describeSource(source) }, 'replacement peer starts');
  }
}
