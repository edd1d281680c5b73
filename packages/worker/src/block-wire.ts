import type { OptimizerState } from '@starling/core';
import type { BlockNode, TrainBlockResult, TrainBlockTask } from './train-block.js';
import type { TrainResult } from './train-task.js';

/**
 * A block's nodes as a pool task carries them: typed arrays for what every plain node has, whole objects
 * only for the nodes that carry more. Structured clone costs about 1 µs per property: a 100-node round
 * posted as objects cost the main thread 0.14 ms per task copy to serialize and each pool thread as much to
 * read back, on the round's serial path (docs/engine-journal.md, session 16). Plain node j: examples
 * `examples[from[j] … to[j])` (one shared buffer for the run), optimizer state null (`step[j]` NaN) or
 * `{ kind: stateKind, step: step[j], slots: [] }`, no compressor state, local plan or control variate.
 */
export interface PackedNodes {
  readonly ids: Int32Array;
  readonly examples: Int32Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly stateKind: OptimizerState['kind'] | null;
  readonly step: Float64Array;
  /** The nodes that are not plain, by block position, whole. */
  readonly other: Readonly<Record<number, BlockNode>>;
}

/** A {@link TrainBlockTask} as posted to a pool thread: its nodes packed ({@link packNodes}). */
export type BlockTaskWire = Omit<TrainBlockTask, 'nodes'> & { readonly nodes: PackedNodes };

/**
 * A {@link TrainBlockResult} as posted back: per result in the same order, typed arrays for plain results
 * (no payload, compressor state, control variate or non-finite report; a state without slots of the
 * packed kind), whole objects for the others. Δ is not posted: it is in the task's shared `out`, and the
 * host makes the same view of it ({@link unpackResults}).
 */
export interface PackedResults {
  readonly positions: Int32Array;
  readonly ids: Int32Array;
  readonly loss: Float64Array;
  readonly samples: Float64Array;
  readonly steps: Float64Array;
  readonly stateKind: OptimizerState['kind'] | null;
  readonly stateStep: Float64Array;
  /** Bit 0: the result's `finite`; bit 1: its `added`. */
  readonly flags: Uint8Array;
  /** The results that are not plain, by result index, whole (with their own `delta`). */
  readonly other: Readonly<Record<number, TrainResult>>;
}

const ADDED = { added: true } as const;

/** `nodes` packed; `examples` is the buffer every plain node's indices must view (else it goes whole). */
export function packNodes(nodes: readonly BlockNode[], examples: Int32Array): PackedNodes {
  const n = nodes.length;
  const packed = {
    ids: new Int32Array(n),
    examples,
    from: new Int32Array(n),
    to: new Int32Array(n),
    stateKind: null as OptimizerState['kind'] | null,
    step: new Float64Array(n),
    other: {} as Record<number, BlockNode>,
  };
  nodes.forEach((b, j) => {
    packed.ids[j] = b.node;
    const s = b.state;
    const kindFits = s === null || (s.slots.length === 0 && (packed.stateKind ?? s.kind) === s.kind);
    const plain = kindFits && b.upState === null && b.local === undefined && b.control === undefined;
    if (!plain || b.indices.buffer !== examples.buffer) {
      packed.other[j] = b;
      return;
    }
    if (s) packed.stateKind = s.kind;
    packed.step[j] = s ? s.step : Number.NaN;
    packed.from[j] = (b.indices.byteOffset - examples.byteOffset) / 4;
    packed.to[j] = packed.from[j] + b.indices.length;
  });
  return packed;
}

/** The nodes of {@link packNodes}, as block nodes again (in the pool thread). */
export function unpackNodes(p: PackedNodes): BlockNode[] {
  return Array.from(p.ids, (node, j) => {
    const whole = p.other[j];
    if (whole) return whole;
    const step = p.step[j];
    const state = Number.isNaN(step) || p.stateKind === null ? null : { kind: p.stateKind, step, slots: [] };
    return { node, indices: p.examples.subarray(p.from[j], p.to[j]), state, upState: null };
  });
}

/** `result` packed for posting (see {@link PackedResults}). */
export function packResults(result: TrainBlockResult): PackedResults {
  const n = result.results.length;
  const packed = {
    positions: Int32Array.from(result.positions),
    ids: new Int32Array(n),
    loss: new Float64Array(n),
    samples: new Float64Array(n),
    steps: new Float64Array(n),
    stateKind: null as OptimizerState['kind'] | null,
    stateStep: new Float64Array(n),
    flags: new Uint8Array(n),
    other: {} as Record<number, TrainResult>,
  };
  result.results.forEach((r, k) => {
    packed.ids[k] = r.node;
    packed.flags[k] = (result.finite[k] ? 1 : 0) | (r.added ? 2 : 0);
    const s = r.state;
    const kindFits = s.slots.length === 0 && (packed.stateKind ?? s.kind) === s.kind;
    const plain = kindFits && !r.payload && !r.upState && !r.control && r.nonFinite === undefined;
    if (!plain) {
      packed.other[k] = r;
      return;
    }
    packed.stateKind = s.kind;
    packed.loss[k] = r.trainLoss;
    packed.samples[k] = r.samples;
    packed.steps[k] = r.steps;
    packed.stateStep[k] = s.step;
  });
  return packed;
}

/**
 * The results of {@link packResults} again, on the host: a plain result's `delta` is `deltaOf(position)`,
 * the view of the task's `out` that the pool thread wrote (the same memory).
 */
export function unpackResults(p: PackedResults, deltaOf: (position: number) => Float32Array): TrainBlockResult {
  const results = Array.from(p.ids, (node, k): TrainResult => {
    const whole = p.other[k];
    if (whole) return whole;
    const kind = p.stateKind;
    if (kind === null) throw new RangeError('packed results: a plain result without the state kind');
    return {
      node,
      delta: deltaOf(p.positions[k]),
      trainLoss: p.loss[k],
      samples: p.samples[k],
      steps: p.steps[k],
      state: { kind, step: p.stateStep[k], slots: [] },
      ...((p.flags[k] & 2) !== 0 ? ADDED : {}),
    };
  });
  return { results, positions: Array.from(p.positions), finite: Array.from(p.flags, (f) => (f & 1) !== 0) };
}
