import { Rng } from '../rng/rng.js';
import { applyAttack } from './attacks.js';
import type { NodeAdversary } from './node-adversary.js';
import { RunningMoments } from './running-moments.js';

/**
 * What a Byzantine gossip peer does to the value it sends its neighbours (the model x, or ψ = x + Δ for
 * `atc`). The peer keeps its honest value for its own mixing; only the message changes.
 */
export interface PeerAttack {
  /**
   * `omniscient` knowledge: a rushing adversary. It sends only once every honest in-neighbour's value of
   * the round is in (or timed out, or lost): honest peers send without waiting for anybody, so this
   * cannot deadlock, and what it knows is exactly what it receives.
   */
  readonly rushing: boolean;
  /** Whether `node` is honest (a rushing peer waits for honest in-neighbours only). */
  isHonest(node: number): boolean;
  /**
   * The message of `round` (a fresh array): the attack of {@link applyAttack} with b = the peer's own
   * value (`local`; ALIE then has σ = 0 and sends its own value) or the per-coordinate mean and std
   * of `heard`, the honest in-neighbours' values in node-id order (`omniscient`; its own value when it
   * heard none). Noise from `Rng.fromSeed(seed).fork('node', node).fork('attack', round)`.
   */
  craft(own: Float32Array, round: number, heard: readonly Float32Array[]): Float32Array;
}

/** The attack of gossip peer `node`, or null when it is honest or its attack acts in training (`label_flip`). */
export function peerAttack(adversary: NodeAdversary | undefined, node: number, seed: number): PeerAttack | null {
  if (!adversary?.byzantine.includes(node) || adversary.attack.kind === 'label_flip') return null;
  const byzantine = new Set(adversary.byzantine);
  const rushing = adversary.knowledge === 'omniscient';
  const { attack } = adversary;
  const z = adversary.z ?? 0;
  return {
    rushing,
    isHonest: (j) => !byzantine.has(j),
    craft(own, round, heard) {
      const out = new Float32Array(own.length);
      let mean: Float32Array | null = null;
      let std: Float32Array | null = null;
      if (rushing && heard.length > 0) {
        const m = new RunningMoments(own.length);
        for (const v of heard) m.add(v);
        mean = new Float32Array(own.length);
        std = new Float32Array(own.length);
        m.mean(mean);
        m.std(std);
      } else if (rushing || attack.kind === 'alie' || attack.kind === 'ipm') {
        mean = own;
        std = new Float32Array(own.length);
      }
      const rng = Rng.fromSeed(seed).fork('node', node).fork('attack', round);
      applyAttack(attack, { own, mean, std }, z, rng, out);
      return out;
    },
  };
}
