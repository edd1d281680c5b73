import type { CompressorState, DeltaSink, Kernels, LocalPlan, OptimizerState } from '@starling/core';
import { markAndDrain, markHeld, type ReductionChain, takeHead } from '@starling/transport';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { type BlockTaskWire, packResults, unpackNodes } from './block-wire.js';
import { loadKernels } from './kernel-choice.js';
import type { NodeSetup } from './node-setup.js';
import { attachShm, detachShm, type ShmBlock } from './shm-block.js';
import trainTask, { type TrainResult } from './train-task.js';

/** One node of a {@link TrainBlockTask}: its examples and the state it carries from its previous round. */
export interface BlockNode {
  readonly node: number;
  readonly indices: Int32Array;
  /** The node's optimizer state from its previous round, or null on its first. */
  readonly state: OptimizerState | null;
  /** The node's uplink compressor state from its previous round, or null on its first. */
  readonly upState: CompressorState | null;
  /** The node's own local plan (`HostSetup.local`), or undefined: `setup.local`. */
  readonly local?: LocalPlan;
  /** SCAFFOLD's c_i from the node's previous round (absent: 0, or not SCAFFOLD). */
  readonly control?: Float32Array;
}

/**
 * A block of nodes trained by one pool thread in one task (a worker host splits its share of a round
 * into about two blocks per thread): one structured clone of the setup and one round trip per block
 * instead of per node. Each node trains exactly as {@link trainTask} trains it alone, in block order.
 */
export interface TrainBlockTask {
  readonly setup: NodeSetup;
  readonly round: number;
  /** The global model (a view of a SharedArrayBuffer, read only). */
  readonly global: Float32Array;
  readonly nodes: readonly BlockNode[];
  /**
   * Where Δ goes: a view of a SharedArrayBuffer of `nodes.length × global.length` floats; node j's Δ is
   * `out.subarray(j·P, (j+1)·P)` and the results' `delta` are these views (nothing is copied back).
   */
  readonly out: Float32Array;
  /** Scan each raw Δ for NaN/Inf here (`TrainBlockResult.finite`); only worth it when the host can say so. */
  readonly scan?: boolean;
  /** SCAFFOLD: the server's control variate c for this round (read only); absent for other algorithms. */
  readonly control?: Float32Array;
  /**
   * The round's shared reduction (threads runtime): `deltas` is the round's arena (every selected node's
   * Δ, `count × P` floats, in order; `out` is this block's slice of it, from order index `index`). Each
   * finite raw Δ of the block is added into `chain.acc` in order ({@link markAndDrain}) right after it
   * was trained, by whichever pool thread holds the chain then.
   */
  readonly reduce?: {
    readonly chain: ReductionChain;
    readonly deltas: Float32Array;
    readonly index: number;
    /**
     * Shared claims (one Int32 of a SharedArrayBuffer): the same task then runs on every pool thread, and
     * each takes the block's next untrained node with `Atomics.add` until none is left, so the nodes are
     * trained, and reach the chain, nearly in order, with one task per thread and round.
     */
    readonly claim?: Int32Array;
  };
  /** processes: `out` and `reduce` live in the cross-process round slot; the pool thread maps them (`attachShm`). */
  readonly shm?: ShmBlock;
}

/** What a block task returns: one {@link TrainResult} per node it trained, in block order. */
export interface TrainBlockResult {
  readonly results: readonly TrainResult[];
  /** Each result's position in the task's `nodes` (all of them, in order, unless the task had `claim`s). */
  readonly positions: readonly number[];
  /**
   * Per node: true when its raw Δ (no `payload`) was scanned here right after it was written, while
   * still in this core's cache, and has no NaN or ±Inf. Lets an in-process server skip its own scan of
   * that Δ (`SharedLane.vouch`); false for a compressed update, a non-finite Δ, or without `task.scan`.
   */
  readonly finite: readonly boolean[];
}

/** Trains every node of the block from `task.global` (see {@link TrainBlockTask}). */
export function trainBlock(task: TrainBlockTask): TrainBlockResult {
  const p = task.global.length;
  if (task.out.length !== task.nodes.length * p) {
    throw new RangeError(`block out has ${task.out.length} floats, want ${task.nodes.length} × ${p}`);
  }
  const chain = task.reduce ? chainOf(task.reduce, p, loadKernels(task.setup.kernels).kernels) : null;
  const claim = task.reduce?.claim;
  const results: TrainResult[] = [];
  const positions: number[] = [];
  for (
    let j = claim ? Atomics.add(claim, 0, 1) : 0;
    j < task.nodes.length;
    j = claim ? Atomics.add(claim, 0, 1) : j + 1
  ) {
    const n = task.nodes[j];
    const r = trainHeld(chain, j, (sink) =>
      trainTask(
        {
          setup: task.setup,
          node: n.node,
          indices: n.indices,
          round: task.round,
          global: task.global,
          state: n.state,
          upState: n.upState,
          local: n.local,
          out: task.out.subarray(j * p, (j + 1) * p),
          ...(task.control ? { scaffold: { c: task.control, ci: n.control ?? null } } : {}),
        },
        sink,
      ),
    );
    results.push(r);
    positions.push(j);
  }
  // trainTask scanned every Δ (a non-finite one comes back with `nonFinite`), so nothing is scanned twice.
  const finite = results.map((r) => task.scan === true && !r.payload && r.nonFinite === undefined);
  return { results, positions, finite };
}

/** A block's part in the round's chain (see {@link chainOf}). */
interface BlockChain {
  /** Block node j is done: it is marked in the chain, then what is next in order is added (`markAndDrain`). */
  mark(j: number, ok: boolean): void;
  /**
   * The sink for block node j, asked right before its last step's pass: when it is next in order and the
   * chain's lock is free (`takeHead`), it adds its own Δ while writing it, holding the chain until `held`.
   */
  sink(j: number): () => DeltaSink | undefined;
  /** After a node whose `sink` gave one: marks it (`markHeld`: `added`, `ok`) and lets the chain go. */
  held(j: number, added: boolean, ok: boolean): void;
}

/**
 * Trains block node j with `train`, offering the chain's sink when there is a chain, and marks the node:
 * ok when its raw Δ is finite. A node that threw while holding the chain lets it go, void.
 */
function trainHeld(
  chain: BlockChain | null,
  j: number,
  train: (sink?: () => DeltaSink | undefined) => TrainResult,
): TrainResult {
  if (chain === null) return train();
  const offer = chain.sink(j);
  let holding = false;
  let r: TrainResult;
  try {
    r = train(() => {
      const s = offer();
      holding = s !== undefined;
      return s;
    });
  } catch (e) {
    if (holding) chain.held(j, false, false);
    throw e;
  }
  const ok = !r.payload && r.nonFinite === undefined;
  if (holding) chain.held(j, r.added === true, ok);
  else chain.mark(j, ok);
  return r;
}

/**
 * The block's view of the round's chain: marks, and the sink of a node that is next in order when its last
 * step runs (so it adds its own Δ in the pass that writes it, instead of a drain reading it back).
 */
function chainOf(reduce: NonNullable<TrainBlockTask['reduce']>, p: number, kernels: Kernels): BlockChain {
  const { chain, deltas, index } = reduce;
  const add = kernels.accumulate?.bind(kernels);
  const usable = add !== undefined && kernels.backend === chain.backend;
  const addAt = (i: number) => add?.(chain.weights[i], deltas.subarray(i * p, (i + 1) * p), chain.acc);
  return {
    mark: (j, ok) => markAndDrain(chain, index + j, ok && usable, addAt),
    sink: (j) => () =>
      usable && takeHead(chain, index + j) ? { acc: chain.acc, weight: chain.weights[index + j] } : undefined,
    held: (j, added, ok) => markHeld(chain, index + j, added, ok && usable, addAt),
  };
}

/** The optimizer state vectors of the results that span their own ArrayBuffer (transferable, each once). */
function stateBuffers(results: Iterable<TrainResult>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const r of results) {
    for (const v of [...r.state.slots, ...(r.control ? [r.control] : [])]) {
      if (!(v instanceof Float32Array) || !(v.buffer instanceof ArrayBuffer)) continue;
      if (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) out.add(v.buffer);
    }
  }
  return [...out];
}

/**
 * The piscina entry of a worker host's pool for blocks (`name: 'pooledTrainBlock'`): {@link trainBlock} of
 * the task with its nodes packed (`BlockTaskWire`), resolving on the host to the packed results
 * (`PackedResults`, `unpackResults` of block-wire.ts); the optimizer state vectors moved instead of copied; Δ
 * stays in the shared `out`. Unless the task claims its nodes (one task per thread and round), it starts from
 * a macrotask so that piscina posts the previous block's result before this one trains (see `pooledTrainTask`).
 */
export async function pooledTrainBlock(wire: BlockTaskWire): Promise<ReturnType<typeof move>> {
  // With claims this is the thread's one task of the round: no earlier result of it waits to be posted.
  if (!wire.reduce?.claim) await new Promise<void>((resolve) => setImmediate(resolve));
  const task: TrainBlockTask = { ...wire, nodes: unpackNodes(wire.nodes) };
  const packed = packResults(detachShm(task, trainBlock(attachShm(task))));
  return move({ [transferableSymbol]: stateBuffers(Object.values(packed.other)), [valueSymbol]: packed });
}
