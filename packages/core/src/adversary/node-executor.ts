import type { Kernels } from '../kernels/kernels.js';
import type { LossKind } from '../models/losses.js';
import type { Model } from '../models/model.js';
import type { OptimizerSpec } from '../optim/optimizer-kinds.js';
import type { TrainingData } from '../train/batch.js';
import { ClientExecutor } from '../train/client-executor.js';
import type { NodePrivacy } from '../train/local-training.js';
import { AdversarialExecutor, type NodeExecutor } from './adversarial-executor.js';
import { needsReference } from './attacks.js';
import { flipLabels } from './flip-labels.js';
import type { NodeAdversary } from './node-adversary.js';
import { ReferenceUpdates } from './reference-updates.js';

/** What {@link makeNodeExecutor} builds an executor from (a worker's `NodeSetup`, resolved). */
export interface NodeExecutorSetup {
  readonly seed: number;
  readonly model: Model;
  readonly loss: LossKind;
  readonly optimizer: OptimizerSpec;
  readonly kernels: Kernels;
  readonly data: TrainingData;
  readonly privacy?: NodePrivacy;
  readonly adversary?: NodeAdversary;
}

/**
 * The executor every runtime trains nodes with: a plain {@link ClientExecutor}, or with an adversary
 * an {@link AdversarialExecutor} around one (plus a label-flipped one and a reference recomputer when
 * the attack needs them). Without an adversary nothing changes, so every shipped run keeps its bits.
 */
export function makeNodeExecutor(s: NodeExecutorSetup): NodeExecutor {
  const honest = new ClientExecutor(s.model, s.loss, s.kernels, s.data, s.privacy);
  const adversary = s.adversary;
  if (adversary === undefined || adversary.byzantine.length === 0) return honest;
  const poisoned =
    adversary.attack.kind === 'label_flip'
      ? new ClientExecutor(s.model, s.loss, s.kernels, flipLabels(s.data), s.privacy)
      : null;
  const wantsReference =
    adversary.path === 'federated' && needsReference(adversary.attack, adversary.knowledge === 'omniscient');
  const reference = wantsReference ? new ReferenceUpdates({ ...s, adversary }) : null;
  return new AdversarialExecutor({ honest, poisoned, reference, adversary });
}
