import type {
  LaneUpdate,
  OutgoingHeader,
  ReductionChain,
  SendResult,
  SharedLane,
  TensorInput,
} from '@starling/transport';
import type { Piscina } from 'piscina';
import type { Arena, ArenaPool } from './arena-pool.js';
import { type PackedResults, packNodes, unpackResults } from './block-wire.js';
import { type DeltaRoute, nodeAnswer, updatesMessage } from './node-answer.js';
import type { HostSetup } from './node-setup.js';
import type { NodeStates } from './node-states.js';
import type { RoundAnswers } from './round-answers.js';
import { NO_DELTA, type ShmBlock } from './shm-block.js';
import type { BlockNode, TrainBlockResult, TrainBlockTask } from './train-block.js';
import type { TrainResult } from './train-task.js';
import type { UpdateEmulation } from './update-emulation.js';

/** What a {@link BlockRunner} uses of its worker host. */
export interface BlockRunnerHost {
  readonly pool: Piscina;
  readonly arenas: ArenaPool;
  readonly states: NodeStates;
  readonly answers: RoundAnswers;
  readonly lane: SharedLane | undefined;
  /** The host's id (its socket's routing id) and the run it was welcomed into. */
  readonly hostId: string;
  runId(): string;
  send(header: OutgoingHeader, tensors?: readonly TensorInput[]): Promise<SendResult>;
  setup(): HostSetup | null;
  emulation(): UpdateEmulation | undefined;
  closed(): boolean;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Where a block's Δs go: its own arena, or its slice of the round's arena when the host takes part in
 * the round's shared reduction (`chain`; `index` is the block's first position in the round's order).
 */
export interface BlockPlace {
  readonly round?: {
    readonly arena: Arena;
    readonly chain: ReductionChain;
    readonly index: number;
    readonly count: number;
    /** Run the block's task this many times at once, the copies sharing the nodes by claims (`TrainBlockTask`). */
    readonly copies?: number;
  };
  /**
   * processes: the block is the host's whole share of a round whose Δs go into the cross-process slot
   * (`ShmHost.join`); each node's update then carries its `reference(j)`.
   */
  readonly shm?: {
    readonly block: ShmBlock;
    readonly copies: number;
    reference(j: number): Uint8Array;
    /** The server takes the block's answers as one `updates` message (the task's `config.shm.batch`). */
    readonly batch?: boolean;
    /**
     * Gives the host's hold on the slot back (idempotent): called as soon as the block's pool tasks have
     * returned, before the answers go out, so the server can reopen the slot as soon as it closed the round.
     */
    release?(): void;
  };
}

/**
 * Trains a worker host's blocks of nodes in its piscina pool and sends one answer per node (an `update`
 * or an `error`). A node still training an earlier round finishes that first, so it trains the next round
 * from its state after that one, as it does inline.
 */
export class BlockRunner {
  /** Per node, the block training it now (so its next round waits for it). */
  private readonly training = new Map<number, Promise<void>>();
  /**
   * Per run's setup, each node's examples as the Int32Array a task carries: views of one SharedArrayBuffer
   * built once per run, so a task's structured clone copies no indices and allocates no ArrayBuffer per
   * node (hundreds of small buffers per round made the pool threads' heaps collect for external memory).
   */
  private readonly indices = new WeakMap<HostSetup, SharedIndices>();

  constructor(private readonly host: BlockRunnerHost) {}

  /** Trains `block` of `round` from `global` (and SCAFFOLD's `control`), after each node's earlier round. */
  async run(
    round: number,
    block: readonly number[],
    global: Float32Array,
    control: Float32Array | undefined,
    place: BlockPlace = {},
  ): Promise<void> {
    const earlier = block.flatMap((node) => this.training.get(node) ?? []);
    const run = Promise.allSettled(earlier).then(() => this.trainNow(round, block, global, control, place));
    for (const node of block) this.training.set(node, run);
    try {
      await run;
    } finally {
      for (const node of block) if (this.training.get(node) === run) this.training.delete(node);
    }
  }

  /**
   * One pool task for the block. The pool thread writes the block's Δs into a reused shared arena (fresh
   * memory cost about 3 ms per node in page faults on this kind of machine); by copy, `send` copies each
   * Δ into its frame at once, so an own arena goes back to the free list as soon as the updates are queued.
   */
  private async trainNow(
    round: number,
    block: readonly number[],
    global: Float32Array,
    control: Float32Array | undefined,
    place: BlockPlace,
  ): Promise<void> {
    const h = this.host;
    const setup = h.setup();
    if (!setup) return;
    const p = global.length;
    const shared = place.round;
    const cross = place.shm;
    const own = !shared && !cross; // an arena of the host's pool, returned or held below
    const arena = shared?.arena ?? (cross ? NO_ARENA : h.arenas.take(block.length * p));
    const base = shared ? shared.index * p : 0;
    const starts = block.map((node) => h.states.startOf(node, round));
    const copies = shared?.copies ?? cross?.copies ?? 1;
    const claim = copies > 1 ? { claim: new Int32Array(new SharedArrayBuffer(4)) } : {};
    const out = cross ? NO_ARENA.view : arena.view.subarray(base, base + block.length * p);
    const nodes: BlockNode[] = block.map((node, j) => ({
      node,
      indices: this.indicesOf(setup, node),
      local: setup.local?.[String(node)],
      ...starts[j],
    }));
    const task: Omit<TrainBlockTask, 'nodes'> = {
      out,
      ...(cross ? { shm: { ...cross.block, ...claim } } : {}),
      scan: h.lane !== undefined, // in process: the server skips the scan the pool made
      setup: setup.setup,
      round,
      global,
      ...(control ? { control } : {}),
      ...(shared
        ? {
            reduce: {
              chain: shared.chain,
              deltas: arena.view.subarray(0, shared.count * p),
              index: shared.index,
              ...claim,
            },
          }
        : {}),
    };
    const wire = { ...task, nodes: packNodes(nodes, this.sharedIndicesOf(setup).all) };
    const deltaOf = (j: number) => (cross ? NO_DELTA : out.subarray(j * p, (j + 1) * p));
    const runs = Array.from({ length: copies }, () =>
      (h.pool.run(wire, { name: 'pooledTrainBlock' }) as Promise<PackedResults>).then((r) => unpackResults(r, deltaOf)),
    );
    // Copies that claim nodes: each copy's nodes are answered as soon as it returns, while another may
    // still train its last node (the round machine takes updates in any order).
    const early: Promise<unknown>[] = [];
    const answerEarly = (r: TrainBlockResult) => {
      early.push(...this.answer(round, r, starts, arena, base, p, cross).promises);
      return r;
    };
    const settled = await Promise.allSettled(copies > 1 ? runs.map((run) => run.then(answerEarly)) : runs);
    // No pool thread writes into the slot any more: the server holds it until the round closes. Held through
    // the sends, a single `updates` answer reached the server, closed the round and needed the next slot
    // before this hold was given back, so every round took another slot (a second 82 MB of the memfd, fresh
    // pages faulted in by the pool threads).
    cross?.release?.();
    const done = merged(settled);
    const failed = block.filter((_, j) => !done.positions.includes(j));
    if (failed.length > 0) {
      const err = settled.find((x) => x.status === 'rejected')?.reason;
      if (own && done.results.length === 0) h.arenas.release(arena);
      if (h.closed()) return;
      h.log.error({ err, nodes: failed, round }, 'local training failed');
      const message = String(err).slice(0, 1000);
      for (const node of failed) void h.send({ type: 'error', round, node, code: 'train-failed', message, ref: -1 });
      if (done.results.length === 0) return h.answers.answer(round, block);
    }
    const sent =
      copies > 1 ? { promises: early, byRef: true } : this.answer(round, done, starts, arena, base, p, cross);
    h.answers.answer(round, block);
    // By copy, `send` has copied each Δ into its frame already; by reference the server reads the arena
    // until it closes the round (the round's arena is held by the host for the whole round).
    if (own && sent.byRef) h.arenas.hold(arena, round);
    else if (own) h.arenas.release(arena);
    await Promise.all(sent.promises);
  }

  /** Node `node`'s example indices in `setup` (read only, by every pool thread: shared memory). */
  private indicesOf(setup: HostSetup, node: number): Int32Array {
    return this.sharedIndicesOf(setup).byNode.get(node) ?? new Int32Array(0);
  }

  private sharedIndicesOf(setup: HostSetup): SharedIndices {
    let shared = this.indices.get(setup);
    if (!shared) this.indices.set(setup, (shared = sharedIndices(setup.partition)));
    return shared;
  }

  /** Records each node's state and sends its answer; by reference into `arena` when the lane allows. */
  private answer(
    round: number,
    done: TrainBlockResult,
    starts: readonly ReturnType<NodeStates['startOf']>[],
    arena: Arena,
    base: number,
    p: number,
    cross?: BlockPlace['shm'],
  ): { promises: Promise<unknown>[]; byRef: boolean } {
    const { results, finite, positions } = done;
    const h = this.host;
    const lane = h.lane;
    const emulation = h.emulation();
    // an emulated update waits for its virtual delivery time: by copy, so the arena can go back now
    const byRef = lane !== undefined && emulation === undefined && results.every((r: TrainResult) => !r.payload);
    // In process (threads), the by-reference updates are handed to the server directly, all at once.
    const handOver: LaneUpdate[] = [];
    const promises = results.flatMap((r, k) => {
      const j = positions[k];
      h.states.record(r.node, round, starts[j], r.state, r.upState, r.control);
      if (r.nonFinite !== undefined)
        h.log.warn({ node: r.node, round, problem: r.nonFinite }, 'training went non-finite');
      let route: DeltaRoute = { kind: 'copy' };
      if (cross && !r.payload && !r.nonFinite) route = { kind: 'shared', reference: cross.reference(j) };
      else if (byRef && !r.nonFinite) {
        const at = base + j * p;
        if (finite[k]) lane.vouch(arena.id, at, p);
        route = { kind: 'shared', reference: lane.reference(arena.id, at, p) };
      }
      const { header, tensors } = nodeAnswer(r, round, route);
      if (route.kind === 'shared' && header.type === 'update' && (lane?.listening || (cross?.batch && !emulation))) {
        handOver.push({ header, ref: route.reference });
        return [];
      }
      if (emulation?.has(r.node)) {
        // not awaited: the node may train its next round while a late update still waits (it holds a copy)
        void emulation.hold(r.node, round, tensors, (t) => h.send(header, t));
        return [];
      }
      return [h.send(header, tensors)];
    });
    if (handOver.length > 0 && !lane?.postUpdates(h.hostId, h.runId(), handOver)) {
      // processes: one `updates` message for the block's nodes in the round's slot (docs/protocol.md)
      const { header, tensors } = updatesMessage(round, handOver);
      promises.push(h.send(header, tensors));
    }
    return { promises, byRef };
  }
}

/** Every node's example indices (`byNode`) as views of one SharedArrayBuffer (`all`). */
interface SharedIndices {
  readonly all: Int32Array;
  readonly byNode: ReadonlyMap<number, Int32Array>;
}

/** {@link SharedIndices} of a partition, keyed by node id. */
function sharedIndices(partition: HostSetup['partition']): SharedIndices {
  const entries = Object.entries(partition);
  const all = new Int32Array(new SharedArrayBuffer(4 * entries.reduce((n, [, ix]) => n + ix.length, 0)));
  const out = new Map<number, Int32Array>();
  let at = 0;
  for (const [node, ix] of entries) {
    all.set(ix, at);
    out.set(Number(node), all.subarray(at, at + ix.length));
    at += ix.length;
  }
  return { all, byNode: out };
}

/** No arena: a cross-process block's Δs live in the round's slot, mapped by the pool thread. */
const NO_ARENA: Arena = { view: new Float32Array(0), id: -1, round: -1 };

/** The results of the copies of one block task that succeeded, in block order. */
function merged(settled: readonly PromiseSettledResult<TrainBlockResult>[]): TrainBlockResult {
  const rows = settled.flatMap((x) =>
    x.status === 'fulfilled'
      ? x.value.results.map((r, k) => ({ r, j: x.value.positions[k], f: x.value.finite[k] }))
      : [],
  );
  rows.sort((a, b) => a.j - b.j);
  return { results: rows.map((x) => x.r), positions: rows.map((x) => x.j), finite: rows.map((x) => x.f) };
}
