import { z } from 'zod';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
/** A size given once (square) or as [rows, columns]. */
const pair = (n: typeof posInt | typeof nonNegInt) => z.union([n, z.tuple([n, n])]);
const activation = z.enum(['identity', 'relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid']).default('identity');

/** The entries of `model.layers` (docs/models.md). Units of `dense` default to the model's outputs on the last layer. */
export const layerSpecSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('conv2d'),
    channels: posInt,
    kernel: pair(posInt),
    stride: pair(posInt).default(1),
    padding: pair(nonNegInt).default(0),
    activation,
  }),
  z.strictObject({
    type: z.literal('maxpool2d'),
    kernel: pair(posInt),
    stride: pair(posInt).optional(),
    padding: pair(nonNegInt).default(0),
  }),
  z.strictObject({
    type: z.literal('avgpool2d'),
    kernel: pair(posInt),
    stride: pair(posInt).optional(),
    padding: pair(nonNegInt).default(0),
  }),
  z.strictObject({ type: z.literal('flatten') }),
  z.strictObject({ type: z.literal('dense'), units: posInt.optional(), activation }),
  z.strictObject({
    type: z.literal('groupnorm'),
    groups: posInt,
    eps: z.number().positive().default(1e-5),
    activation,
  }),
]);

/** One parsed entry of `model.layers`. */
export type LayerSpec = z.output<typeof layerSpecSchema>;

const input = z.array(posInt).min(1).max(3).optional();
const init = z.enum(['zeros', 'xavier', 'kaiming']).default('kaiming');
const precision = z.enum(['fp32', 'bf16']).default('fp32');

/** `model: { kind: sequential, input?, init?, precision?, layers }`: a layer list (docs/models.md). */
export const sequentialSpecSchema = z.strictObject({
  kind: z.literal('sequential'),
  input,
  init,
  precision,
  layers: z.array(layerSpecSchema).min(1),
});

/** `model: { kind: cnn-fedavg }`: McMahan et al.'s CNN (see {@link CNN_FEDAVG_LAYERS}). */
export const cnnFedavgSpecSchema = z.strictObject({ kind: z.literal('cnn-fedavg'), input, init, precision });

/**
 * The CNN of McMahan et al. 2017 ("Communication-Efficient Learning of Deep Networks from Decentralized
 * Data", §3): 5×5 conv with 32 channels, 2×2 max pool, 5×5 conv with 64 channels, 2×2 max pool, a fully
 * connected layer of 512 units with ReLU, and a softmax output: 1,663,370 parameters on 1×28×28 with 10
 * classes. Convolutions use padding 2 ("same"), as in the TensorFlow Federated tutorial that reproduces it.
 */
export const CNN_FEDAVG_LAYERS: readonly z.input<typeof layerSpecSchema>[] = [
  { type: 'conv2d', channels: 32, kernel: 5, padding: 2, activation: 'relu' },
  { type: 'maxpool2d', kernel: 2 },
  { type: 'conv2d', channels: 64, kernel: 5, padding: 2, activation: 'relu' },
  { type: 'maxpool2d', kernel: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 512, activation: 'relu' },
  { type: 'dense' },
];
