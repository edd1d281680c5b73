import { errors, type PeerLedgersState, type RdpAccountantState } from '@starling/core';
import { checkPeerCheckpoint, type PeerCheckpoint } from '@starling/worker';
import { z } from 'zod';
import type { CheckpointValue } from '../../checkpoint/checkpoint-codec.js';

/**
 * What the gossip driver has summed over the rounds so far (bytes per link and in total, the last
 * evaluation, the last average model x̄): restored with the peers so that the summary of a resumed run
 * equals the uninterrupted one's.
 */
export type GossipTally = {
  links: Record<string, number>;
  totals: { up: number; down: number; payload: number };
  last: { loss: number | null; accuracy: number | null; consensus: number | null };
  spread: { mean: number | null; std: number | null };
  average: Float32Array | null;
  lost: number;
};

/**
 * The gossip driver's checkpoint `state` (docs/checkpoints.md): every peer by node id, the tally and,
 * with privacy, every peer's privacy ledger (null without privacy).
 */
export type GossipCheckpoint = {
  readonly peers: readonly PeerCheckpoint[];
  readonly tally: GossipTally;
  readonly privacy: PeerLedgersState | null;
};

/** A fresh tally (round 0). */
export function emptyTally(): GossipTally {
  return {
    links: {},
    totals: { up: 0, down: 0, payload: 0 },
    last: { loss: null, accuracy: null, consensus: null },
    spread: { mean: null, std: null },
    average: null,
    lost: 0,
  };
}

/** The checkpoint state of a gossip run (typed arrays are kept by reference: the codec copies them). */
export function gossipCheckpointValue(
  peers: readonly PeerCheckpoint[],
  tally: GossipTally,
  privacy: PeerLedgersState | null = null,
): CheckpointValue {
  // Without privacy the state has no `privacy` key, so checkpoints of runs without DP keep their bytes.
  const ledgers = privacy && {
    round: privacy.round,
    peers: privacy.peers.map((p) => ({
      accountant: { ...p.accountant, history: p.accountant.history.map((e) => ({ ...e })) },
      rdp: p.rdp,
    })),
  };
  return { kind: 'gossip', peers, tally: cloneTally(tally), ...(ledgers ? { privacy: ledgers } : {}) };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown) => v === null || typeof v === 'number';

/**
 * Reads a gossip checkpoint's `state` back for a run of `peers` peers with models of `size` floats;
 * throws a `data` error naming `where` when it does not fit (another driver's state, a peer missing,
 * a model of another size).
 */
export function readGossipCheckpoint(state: unknown, where: string, peers: number, size: number): GossipCheckpoint {
  const bad = (problem: string) => errors.data(where, `not a gossip checkpoint of this run: ${problem}`);
  if (!isRecord(state) || state.kind !== 'gossip') throw bad('no gossip state');
  const list = state.peers;
  if (!Array.isArray(list) || list.length !== peers)
    throw bad(`${Array.isArray(list) ? list.length : 0} peers, expected ${peers}`);
  const t = state.tally;
  if (
    !isRecord(t) ||
    !isRecord(t.links) ||
    !isRecord(t.totals) ||
    !isRecord(t.last) ||
    !isRecord(t.spread) ||
    typeof t.lost !== 'number' ||
    !(t.average === null || (t.average instanceof Float32Array && t.average.length === size)) ||
    !['up', 'down', 'payload'].every((k) => typeof (t.totals as Record<string, unknown>)[k] === 'number') ||
    !['loss', 'accuracy', 'consensus'].every((k) => numOrNull((t.last as Record<string, unknown>)[k])) ||
    !['mean', 'std'].every((k) => numOrNull((t.spread as Record<string, unknown>)[k])) ||
    !Object.values(t.links).every((b) => typeof b === 'number')
  ) {
    throw bad('the tally of links, bytes and the last evaluation is malformed');
  }
  return {
    peers: list.map((p, node) => checkPeerCheckpoint(p, where, node, size)),
    tally: cloneTally(t as GossipTally),
    privacy: readLedgers(state.privacy, peers, bad),
  };
}

/** The peers' privacy ledgers of a checkpoint (absent: null); each accountant is validated when loaded. */
function readLedgers(v: unknown, peers: number, bad: (problem: string) => Error): PeerLedgersState | null {
  if (v === undefined) return null;
  const parsed = ledgersSchema.safeParse(v);
  if (!parsed.success || parsed.data.peers.length !== peers)
    throw bad(`the privacy ledgers of ${peers} peers are malformed`);
  return parsed.data;
}

const ledgersSchema = z.strictObject({
  round: z.number().int().nonnegative(),
  // each accountant state is validated by RdpAccountant.restore when loaded
  peers: z.array(
    z.strictObject({ accountant: z.custom<RdpAccountantState>(isRecord), rdp: z.instanceof(Float64Array) }),
  ),
});

/** A copy of the tally's counters that later rounds cannot change (x̄ is replaced, never written, so shared). */
function cloneTally(t: GossipTally): GossipTally {
  return { ...structuredClone({ ...t, average: null }), average: t.average };
}
