import { errors } from '../errors.js';
import { Rng } from '../rng/rng.js';
import type { AdversarySpec } from './attack-spec.js';

/**
 * The Byzantine node ids of a run of `n` nodes (0..n−1), ascending: `nodes` as given (each < n), or
 * ⌊fraction·n⌋ ids drawn without replacement from `Rng.fromSeed(seed).fork('adversary')`. The same
 * ids in every runtime; recorded in meta.json and summary.json.
 */
export function chooseByzantine(spec: Pick<AdversarySpec, 'fraction' | 'nodes'>, n: number, seed: number): number[] {
  if (spec.nodes !== undefined) {
    for (const id of spec.nodes) {
      if (id >= n) throw errors.option('adversary.nodes', `node ids in [0, ${n - 1}]`, id);
    }
    return [...spec.nodes].sort((a, b) => a - b);
  }
  const f = Math.floor((spec.fraction ?? 0) * n);
  return Array.from(Rng.fromSeed(seed).fork('adversary').sample(n, f));
}
