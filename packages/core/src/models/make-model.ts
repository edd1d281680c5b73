import { z } from 'zod';
import { errors } from '../errors.js';
import { parseSpec } from '../spec/parse-spec.js';
import { buildLayers, inputShape } from './build-layers.js';
import { DenseNet } from './dense-net.js';
import type { InitKind } from './init.js';
import { checkLossFits, type LossKind } from './losses.js';
import type { Model } from './model.js';
import { Sequential } from './sequential.js';
import { CNN_FEDAVG_LAYERS, cnnFedavgSpecSchema, layerSpecSchema, sequentialSpecSchema } from './sequential-spec.js';

const init = (fallback: InitKind) => z.enum(['zeros', 'xavier', 'kaiming']).default(fallback);

/**
 * A model choice from an experiment config (`model`). `linear` is linear regression (one output per
 * target), `logistic` is binary logistic regression (one logit), `softmax` is multinomial logistic
 * regression, `mlp` is a fully connected network (McMahan et al.'s "2NN" is `hidden: [200, 200]`, relu).
 * Weights start at zero for the linear models and Kaiming-normal for the MLP unless `init` says otherwise.
 * `sequential` is a layer list (convolutional networks, docs/models.md) and `cnn-fedavg` McMahan et al.'s
 * CNN as a preset.
 */
export const modelSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('linear'), init: init('zeros') }),
  z.strictObject({ kind: z.literal('logistic'), init: init('zeros') }),
  z.strictObject({ kind: z.literal('softmax'), init: init('zeros') }),
  z.strictObject({
    kind: z.literal('mlp'),
    hidden: z.array(z.number().int().positive()).min(1),
    activation: z.enum(['relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid']).default('relu'),
    init: init('kaiming'),
  }),
  sequentialSpecSchema,
  cnnFedavgSpecSchema,
]);

/** A model spec as written (defaults optional). */
export type ModelSpec = z.input<typeof modelSpecSchema>;

export const MODEL_KINDS = ['linear', 'logistic', 'softmax', 'mlp', 'sequential', 'cnn-fedavg'] as const;
export const INIT_KINDS: readonly InitKind[] = ['zeros', 'xavier', 'kaiming'];

/**
 * Builds the network for a model spec and a data shape.
 * @param inputs features per example, or the per-example shape (C×H×W, or H×W for one channel) that
 *   `sequential` and `cnn-fedavg` need unless `model.input` gives it
 * @param classes number of classes (0 for regression targets)
 * @param loss the training loss: bce and hinge need one logit, softmax_ce one output per class
 */
export function makeModel(
  input: ModelSpec,
  inputs: number | readonly number[],
  classes: number,
  loss: LossKind,
): Model {
  const spec = parseSpec(modelSpecSchema, input, 'model');
  const { init } = spec;
  const d = typeof inputs === 'number' ? inputs : inputs.reduce((a, b) => a * b, 1);
  if (spec.kind === 'logistic' && classes !== 2) {
    throw errors.option('model.kind', `softmax for data with ${classes} classes`, 'logistic');
  }
  if (spec.kind === 'linear' && classes !== 0) {
    throw errors.option('model.kind', 'softmax or logistic for classification data', 'linear');
  }
  const outputs = loss === 'softmax_ce' ? classes : 1;
  checkLossFits(loss, outputs, classes);
  if (spec.kind === 'sequential' || spec.kind === 'cnn-fedavg') {
    const layers = spec.kind === 'sequential' ? spec.layers : CNN_FEDAVG_LAYERS.map((l) => layerSpecSchema.parse(l));
    const shape = inputShape(spec.input, inputs);
    return new Sequential(buildLayers(layers, shape, outputs), shape, init, spec.precision);
  }
  if (spec.kind === 'mlp') {
    const activation = spec.activation;
    return new DenseNet({ inputs: d, hidden: spec.hidden, outputs, activation, init });
  }
  return new DenseNet({ inputs: d, hidden: [], outputs, activation: 'identity', init });
}

/**
 * The spec with `input` filled in from the data's per-example `shape` when it is a `sequential` or
 * `cnn-fedavg` model without one; any other spec is returned as it is (the same object). For setups that
 * travel to hosts which build the model without loading the data (gossip peers' x⁰).
 */
export function withModelInput(spec: ModelSpec, shape: readonly number[]): ModelSpec {
  if ((spec.kind === 'sequential' || spec.kind === 'cnn-fedavg') && spec.input === undefined) {
    return { ...spec, input: [...shape] };
  }
  return spec;
}
