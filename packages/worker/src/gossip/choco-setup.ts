import {
  type CompressorSpec,
  compressorEntry,
  errors,
  type Kernels,
  makeCompressor,
  makeModel,
  parseCompressorSpec,
  Rng,
} from '@starling/core';
import { ChocoCopies } from './choco-copies.js';
import type { ChocoSetup, GossipSetup } from './gossip-setup.js';
import type { RoundTopology } from './round-topology.js';

/** What a CHOCO peer adds to a plain one: its public copies, γ and the codec name of its payloads. */
export interface ChocoPeer {
  readonly copies: ChocoCopies;
  readonly gamma: number;
  /** The `codec` of the u8 tensor a payload travels in: the compressor kind (`topk`, `qsgd`, ...). */
  readonly codec: string;
}

/**
 * Refuses CHOCO setups that cannot work: error feedback on the gossip compressor. CHOCO's x_i − x̂_i
 * already is the memory of what was not transmitted; EF-SGD's memory e on top sends
 * C((x_i − x̂_i) + e), which counts the residual twice and diverges (consensus on a 16-ring with top-k
 * 10%, γ = 0.2: the consensus error grows from 26 to 3·10¹¹ in 60 rounds; 1.3 without EF).
 */
export function checkChoco(c: ChocoSetup): void {
  if (c.compressor.errorFeedback) {
    throw errors.option(
      'compression.gossip.errorFeedback',
      'false with CHOCO (x_i − x̂_i already is the error memory; EF on top counts the residual twice and diverges)',
      true,
    );
  }
}

/**
 * The factor CHOCO puts on every decoded q so that the compressor is a contraction,
 * E‖x − s·C(x)‖² ≤ (1 − δ)‖x‖² with δ > 0, as the analysis needs (Koloskova et al. 2019, Assumption 1):
 * the `contraction` property of the spec's kind in core's `compressors` table (1 when absent). Biased
 * compressors (top-k, sign, fp16, ...) are contractions already: 1. Unbiased ones with variance
 * ω‖x‖² are scaled by 1/τ: QSGD with s levels by 1/(1 + min(d/s², √d/s)), the scaled `qsgd_s` of the
 * paper's experiments; unbiased random-k by k/d and unbiased dropout by p, which gives back their
 * biased (contractive) forms. Every holder of a copy applies the same factor.
 */
export function chocoScale(spec: CompressorSpec, d: number): number {
  const parsed = parseCompressorSpec(spec, 'compression.gossip');
  return compressorEntry(parsed.kind).contraction?.(parsed, d) ?? 1;
}

/**
 * Peer `node`'s CHOCO state for a run with `setup.choco`, or undefined for plain gossip. The compressor
 * is built for the model's layout (validated against its size) and draws from
 * `Rng.fromSeed(seed).fork('compress-gossip', node)`; copies are kept for the node and its
 * in-neighbours of the (static) topology.
 */
export function chocoPeer(
  setup: GossipSetup,
  node: number,
  topology: RoundTopology,
  kernels: Kernels,
  maxAhead = 64,
): ChocoPeer | undefined {
  const c = setup.choco;
  if (!c) return undefined;
  checkChoco(c);
  const layout = makeModel(setup.node.model, setup.inputs, setup.classes, setup.node.loss).layout;
  const compressor = makeCompressor(c.compressor, layout, { path: 'compression.gossip', kernels });
  const neighbours = topology
    .row(0, node)
    .neighbors.filter((e) => e.weight !== 0)
    .map((e) => e.node);
  const rng = Rng.fromSeed(setup.node.seed).fork('compress-gossip', node);
  return {
    copies: new ChocoCopies(node, neighbours, compressor, rng, maxAhead, chocoScale(c.compressor, layout.size)),
    gamma: c.gamma,
    codec: compressor.kind,
  };
}

export type { ChocoSetup };
