import type { ClientExecutor, ClientJob } from '../train/client-executor.js';
import type { DeltaSinkSource, LocalPlan, LocalResult } from '../train/local-training.js';
import { applyAttack, needsReference } from './attacks.js';
import type { NodeAdversary } from './node-adversary.js';
import type { ReferenceUpdates } from './reference-updates.js';

/** What trains a node for one round: a {@link ClientExecutor} or a decorator around one. */
export type NodeExecutor = Pick<ClientExecutor, 'train'>;

/** The parts of an {@link AdversarialExecutor}. */
export interface AdversarialParts {
  /** Trains honest nodes (and Byzantine ones unless the attack poisons labels). */
  readonly honest: NodeExecutor;
  /** Trains Byzantine nodes on flipped labels (`label_flip` only). */
  readonly poisoned: NodeExecutor | null;
  /** Recomputes the round's reference updates (attacks that read them on the federated path). */
  readonly reference: ReferenceUpdates | null;
  readonly adversary: NodeAdversary;
}

/**
 * The executor of a run with an adversary: the same code path for honest and Byzantine nodes, in every
 * runtime. An honest node trains as without an adversary. A Byzantine node trains honestly (on flipped
 * labels for `label_flip`), then, on the federated path, replaces its update Δ by the attack's message
 * (`applyAttack`, noise from `job.rng.fork('attack', round)`, statistics from `reference`). On the gossip
 * path only `label_flip` acts here; the peer attacks what it sends (`gossipAttack`).
 */
export class AdversarialExecutor implements NodeExecutor {
  private readonly byzantine: ReadonlySet<number>;

  constructor(private readonly p: AdversarialParts) {
    this.byzantine = new Set(p.adversary.byzantine);
  }

  /** Whether node `id` is Byzantine. */
  isByzantine(id: number): boolean {
    return this.byzantine.has(id);
  }

  /** Trains `job`'s node; only an honest node's update may go into `sink` (an attacked Δ is rewritten later). */
  train(
    job: ClientJob,
    global: Float32Array,
    round: number,
    plan: LocalPlan,
    delta: Float32Array,
    sink?: DeltaSinkSource,
  ): LocalResult {
    if (!this.byzantine.has(job.id)) return this.p.honest.train(job, global, round, plan, delta, sink);
    const { attack, knowledge, path, z } = this.p.adversary;
    const r = (this.p.poisoned ?? this.p.honest).train(job, global, round, plan, delta);
    if (path === 'gossip' || attack.kind === 'label_flip') return r;
    const stats = needsReference(attack, knowledge === 'omniscient')
      ? (this.p.reference?.stats(round, global, plan) ?? null)
      : null;
    if (stats === null && needsReference(attack, knowledge === 'omniscient')) {
      throw new RangeError(`attack ${attack.kind} needs reference updates, and this adversary has none`);
    }
    const inputs = { own: delta, mean: stats?.mean ?? null, std: stats?.std ?? null };
    applyAttack(attack, inputs, z ?? 0, job.rng.fork('attack', round), delta);
    // The attacked Δ was not scanned: drop the trainer's `finite`.
    return { trainLoss: r.trainLoss, samples: r.samples, steps: r.steps };
  }
}
