import { type Compressor, type Encoded, type Kernels, type Layout, makeCompressor, Rng } from '@starling/core';
import type { NodeSetup } from './node-setup.js';

/** One node's uplink compressor and the random stream it draws from. */
export interface NodeUplink {
  /** The node's compressor (stateful with error feedback or PowerSGD: one per node, kept across rounds). */
  readonly compressor: Compressor;
  /**
   * Compresses the node's update Δ for `round` (Δ is not modified). The payload depends only on
   * (seed, node, round), Δ and the compressor's state, so every runtime produces the same bytes.
   */
  encode(delta: Float32Array, round: number): Encoded;
}

/**
 * The uplink compressor of node `node` under `setup.compression.up` (null when updates travel raw). It
 * draws from `Rng.fromSeed(seed).fork('compress-up', node)`, forked again per round by the compressor.
 * Both the worker pool thread (`train-task.ts`) and the inline runtime build it here, so they emit the
 * same bytes. Error-feedback memory is the compressor's state (`compressor.state()` / `load()`).
 */
export function nodeUplink(setup: NodeSetup, node: number, layout: Layout, kernels: Kernels): NodeUplink | null {
  const spec = setup.compression?.up;
  if (spec === undefined) return null;
  const compressor = makeCompressor(spec, layout, { path: 'compression.up', kernels });
  const rng = Rng.fromSeed(setup.seed).fork('compress-up', node);
  return { compressor, encode: (delta, round) => compressor.compress(delta, { rng, round }) };
}
