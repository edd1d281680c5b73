import { type CompressorKind, errors, type Kernels, type Layout, makeCompressor, Rng } from '@starling/core';
import { Downlink, UpdateDecoder } from '@starling/server';
import type { NodeCompression } from '@starling/worker';
import type { ExperimentConfig } from '../../config/schema.js';

const GOSSIP_KINDS: readonly string[] = ['dpsgd', 'consensus'];

/**
 * Refuses gossip-only settings on a parameter-server run (exit code 2): `compression.gossip` and
 * `gamma` belong to gossip algorithms (use `up`/`down`). The gossip run refuses `up`/`down` itself
 * (`gossipCompression` in gossip-prepare.ts).
 */
export function checkCompressionSupported(cfg: ExperimentConfig): void {
  const c = cfg.compression;
  const kind = cfg.algorithm.kind;
  if (GOSSIP_KINDS.includes(kind)) return;
  for (const key of ['gossip', 'gamma'] as const) {
    if (c[key] !== undefined) {
      throw errors.option(
        `compression.${key}`,
        `absent for the parameter-server algorithm ${kind} (use compression.up and compression.down)`,
        c[key],
      );
    }
  }
}

/** The compression of a parameter-server run, resolved against the model's layout before round 0. */
export interface RunCompression {
  /** What each node applies itself (`NodeSetup.compression`); undefined when updates travel raw. */
  readonly node: NodeCompression | undefined;
  /** How the server decodes updates (the same object serves inline and over sockets). */
  readonly decoder: UpdateDecoder;
  /** The server's downlink with its public copy x̂ (null when the model travels raw). */
  readonly downlink: Downlink | null;
}

/**
 * Builds the server's side of `cfg.compression` for a model of `layout`. Every compressor is built once
 * here, so a spec that does not fit the model (e.g. `compression.up.count` above the model size) is a
 * config error naming its path at run start. The downlink draws from
 * `Rng.fromSeed(seed).fork('compress-down', 0)`; node uplinks from `fork('compress-up', node)`.
 */
export function prepareCompression(cfg: ExperimentConfig, layout: Layout, kernels: Kernels): RunCompression {
  checkCompressionSupported(cfg);
  const { up, down, downOf } = cfg.compression;
  let kind: CompressorKind | null = null;
  if (up !== undefined) kind = makeCompressor(up, layout, { path: 'compression.up', kernels }).kind;
  const downlink =
    down === undefined
      ? null
      : new Downlink(down, downOf, layout, kernels, Rng.fromSeed(cfg.seed).fork('compress-down', 0));
  return {
    node: up === undefined ? undefined : { up: up as NodeCompression['up'] },
    decoder: new UpdateDecoder(kind, layout, kernels),
    downlink,
  };
}
