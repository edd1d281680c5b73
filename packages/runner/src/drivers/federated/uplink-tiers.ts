import {
  type ClientProfile,
  type CompressorKind,
  type CompressorSpec,
  errors,
  type Kernels,
  type Layout,
  makeCompressor,
} from '@starling/core';
import type { NodeCompression } from '@starling/worker';
import type { ExperimentConfig } from '../../config/schema.js';

/** `compression.upTiers` resolved against the clients' drawn uplink rates. */
export interface UplinkTiers {
  /** Tier t's uplink compressor (null: raw float32). */
  readonly specs: readonly (CompressorSpec | null)[];
  /** Tier t's encoding, for the server's decoder (null: raw). */
  readonly kinds: readonly (CompressorKind | null)[];
  /** Client i's tier as hex digit i (`'-'`: none, it uses `compression.up`). */
  readonly tierOf: string;
  /** Clients per tier, then the clients with none (last entry). */
  readonly counts: readonly number[];
}

/**
 * Gives each client its uplink compressor by bandwidth tier ("agents may send messages of different
 * precision"): client i takes the first tier of `compression.upTiers` whose `maxUplinkBps` is at least
 * its drawn `uplinkBps` (the systems profile, fixed for the run), or none (then `compression.up`). Every
 * tier's compressor is built once here, so a spec that does not fit the model is a config error naming
 * `compression.upTiers[t].up`. Null without `upTiers`. Refuses (exit 2) tiers without `systems.network`
 * (no rates to tier by) and unsorted thresholds.
 */
export function uplinkTiers(
  cfg: ExperimentConfig,
  profiles: readonly ClientProfile[] | null,
  layout: Layout,
  kernels: Kernels,
): UplinkTiers | null {
  const tiers = cfg.compression.upTiers;
  if (tiers === undefined) return null;
  if (profiles === null || cfg.systems?.network == null) {
    throw errors.option('compression.upTiers', 'used with a systems.network section (tiers go by uplink rate)', tiers);
  }
  tiers.forEach((t, i) => {
    if (i > 0 && !(t.maxUplinkBps > tiers[i - 1].maxUplinkBps)) {
      throw errors.option(`compression.upTiers[${i}].maxUplinkBps`, 'above the previous tier’s', t.maxUplinkBps);
    }
  });
  const kinds = tiers.map((t, i) =>
    t.up === null ? null : makeCompressor(t.up, layout, { path: `compression.upTiers[${i}].up`, kernels }).kind,
  );
  const counts = new Array<number>(tiers.length + 1).fill(0);
  let tierOf = '';
  for (const p of profiles) {
    const t = tiers.findIndex((tier) => p.uplinkBps <= tier.maxUplinkBps);
    counts[t < 0 ? tiers.length : t]++;
    tierOf += t < 0 ? '-' : t.toString(16);
  }
  return { specs: tiers.map((t) => (t.up as CompressorSpec | null) ?? null), kinds, tierOf, counts };
}

/** The node side of a run's compression with its tiers: what `NodeSetup.compression` carries. */
export function withTiers(node: NodeCompression | undefined, tiers: UplinkTiers | null): NodeCompression | undefined {
  if (tiers === null) return node;
  return { ...node, tiers: tiers.specs, tierOf: tiers.tierOf };
}
