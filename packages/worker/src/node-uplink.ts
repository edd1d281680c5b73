import {
  type Compressor,
  type CompressorSpec,
  type Encoded,
  type Kernels,
  type Layout,
  makeCompressor,
  Rng,
} from '@starling/core';
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
 * The uplink compressor of node `node` under `setup.compression.up`, or its bandwidth tier's (see
 * `uplinkSpecOf`); null when its updates travel raw. It
 * draws from `Rng.fromSeed(seed).fork('compress-up', node)`, forked again per round by the compressor.
 * Both the worker pool thread (`train-task.ts`) and the inline runtime build it here, so they emit the
 * same bytes. Error-feedback memory is the compressor's state (`compressor.state()` / `load()`).
 */
export function nodeUplink(setup: NodeSetup, node: number, layout: Layout, kernels: Kernels): NodeUplink | null {
  const { spec, path } = uplinkSpecOf(setup, node);
  if (spec === undefined) return null;
  const compressor = makeCompressor(spec, layout, { path, kernels });
  const rng = Rng.fromSeed(setup.seed).fork('compress-up', node);
  return { compressor, encode: (delta, round) => compressor.compress(delta, { rng, round }) };
}

/** Whether any node of `setup` may compress its update (`compression.up`, or bandwidth tiers). */
export function compressesUplink(setup: NodeSetup): boolean {
  return setup.compression?.up !== undefined || setup.compression?.tiers !== undefined;
}

/**
 * The uplink spec of `node` and its config path: its bandwidth tier's (`compression.upTiers[t].up`, null
 * there meaning raw) when the run has tiers and the node has one, else `compression.up`; undefined: raw.
 */
export function uplinkSpecOf(setup: NodeSetup, node: number): { spec: CompressorSpec | undefined; path: string } {
  const c = setup.compression;
  const t = c?.tierOf?.[node];
  if (c?.tiers === undefined || t === undefined || t === '-') return { spec: c?.up, path: 'compression.up' };
  const tier = Number.parseInt(t, 16);
  return { spec: c.tiers[tier] ?? undefined, path: `compression.upTiers[${tier}].up` };
}
