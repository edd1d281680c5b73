import { errors } from '../errors.js';
import { ACTIVATIONS, type Activation } from '../kernels/kernels.js';
import { DenseNet } from './dense-net.js';
import type { InitKind } from './init.js';
import { checkLossFits, type LossKind } from './losses.js';

/**
 * A model choice from an experiment config. `linear` is linear regression (one output per target),
 * `logistic` is binary logistic regression (one logit), `softmax` is multinomial logistic regression,
 * `mlp` is a fully connected network (McMahan et al.'s "2NN" is `hidden: [200, 200]`, relu).
 */
export type ModelSpec =
  | { kind: 'linear'; init?: InitKind }
  | { kind: 'logistic'; init?: InitKind }
  | { kind: 'softmax'; init?: InitKind }
  | { kind: 'mlp'; hidden: number[]; activation?: Activation; init?: InitKind };

export const MODEL_KINDS = ['linear', 'logistic', 'softmax', 'mlp'] as const;
export const INIT_KINDS: readonly InitKind[] = ['zeros', 'xavier', 'kaiming'];

/**
 * Builds the network for a model spec and a data shape.
 * @param inputs features per example
 * @param classes number of classes (0 for regression targets)
 * @param loss the training loss: bce and hinge need one logit, softmax_ce one output per class
 */
export function makeModel(spec: ModelSpec, inputs: number, classes: number, loss: LossKind): DenseNet {
  const kind = (spec as { kind: string }).kind;
  if (!MODEL_KINDS.includes(kind as (typeof MODEL_KINDS)[number])) {
    throw errors.unknownKind('model.kind', kind, MODEL_KINDS);
  }
  const init = spec.init ?? (spec.kind === 'mlp' ? 'kaiming' : 'zeros');
  if (!INIT_KINDS.includes(init)) throw errors.unknownKind('model.init', init, INIT_KINDS);
  if (spec.kind === 'logistic' && classes !== 2) {
    throw errors.option('model.kind', `softmax for data with ${classes} classes`, 'logistic');
  }
  if (spec.kind === 'linear' && classes !== 0) {
    throw errors.option('model.kind', 'softmax or logistic for classification data', 'linear');
  }
  const outputs = loss === 'softmax_ce' ? classes : 1;
  checkLossFits(loss, outputs, classes);
  if (spec.kind === 'mlp') {
    const activation = spec.activation ?? 'relu';
    if (!ACTIVATIONS.includes(activation)) throw errors.unknownKind('model.activation', activation, ACTIVATIONS);
    spec.hidden.forEach((h, i) => {
      if (!Number.isInteger(h) || h < 1) throw errors.option(`model.hidden[${i}]`, 'a positive integer', h);
    });
    return new DenseNet({ inputs, hidden: spec.hidden, outputs, activation, init });
  }
  return new DenseNet({ inputs, hidden: [], outputs, activation: 'identity', init });
}
