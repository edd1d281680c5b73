import { describe, expect, it } from 'vitest';
import { jsConvKernels } from '../kernels/conv-js.js';
import { jsKernels } from '../kernels/js.js';
import { Rng } from '../rng/rng.js';
import { placeActivations } from './activation-placement.js';
import type { Layer, LayerKernels, LayerParams } from './layers/layer.js';
import { makeModel } from './make-model.js';
import type { Sequential } from './sequential.js';
import type { LayerSpec } from './sequential-spec.js';

const kern: LayerKernels = { k: jsKernels, conv: jsConvKernels };

/** layer{i}.weight / .bias views of a flat vector of `model`'s layout. */
function views(model: Sequential, flat: Float32Array, i: number): LayerParams | null {
  const w = model.layout.tensors.find((t) => t.name === `layer${i}.weight`);
  const b = model.layout.tensors.find((t) => t.name === `layer${i}.bias`);
  if (!w || !b) return null;
  return { weight: flat.subarray(w.offset, w.offset + w.size), bias: flat.subarray(b.offset, b.offset + b.size) };
}

/**
 * The step as declared (every activation right after its own layer, relu(z) before the pooling), by hand
 * from the layers and the kernels: the logits, the summed loss and the gradient.
 */
function declaredOrderStep(model: Sequential, params: Float32Array, x: Float32Array, y: Int32Array, batch: number) {
  const layers: readonly Layer[] = model.layers;
  const size = (l: Layer) => batch * l.output.c * l.output.h * l.output.w;
  const inputs: Float32Array[] = [];
  const zs: Float32Array[] = [];
  const as: Float32Array[] = [];
  const aux = layers.map((l) => ({ f32: new Float32Array(batch * l.auxF32), i32: new Int32Array(batch * l.auxI32) }));
  let input = x;
  layers.forEach((layer, l) => {
    inputs.push(input);
    if (layer.type === 'flatten') {
      zs.push(input);
      as.push(input);
      return;
    }
    const z = new Float32Array(size(layer));
    layer.forward(kern, views(model, params, l), input, batch, z, aux[l]);
    const a = layer.activation === 'identity' ? z : new Float32Array(z.length);
    if (layer.activation !== 'identity')
      jsKernels.biasActivation(layer.activation, z.length, 1, z, new Float32Array(1), a);
    zs.push(z);
    as.push(a);
    input = a;
  });
  const logits = input.slice();
  let d = new Float32Array(logits.length);
  const loss = jsKernels.softmaxCrossEntropy(batch, model.outputs, logits, y, 1 / batch, d);
  const grad = new Float32Array(model.layout.size);
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    if (layer.type === 'flatten') continue;
    if (layer.activation !== 'identity') jsKernels.activationBackward(layer.activation, zs[l], as[l], d, d);
    const dx = l > 0 ? new Float32Array(inputs[l].length) : null;
    layer.backward(kern, views(model, params, l), inputs[l], batch, d, dx, views(model, grad, l), aux[l]);
    if (dx) d = dx;
  }
  return { logits, loss, grad };
}

/** Indices where two Float32Arrays differ in their bits (so +0 and −0 differ). */
function bitDifferences(a: Float32Array, b: Float32Array): number[] {
  const [ua, ub] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length),
    new Uint32Array(b.buffer, b.byteOffset, b.length),
  ];
  const out: number[] = [];
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) out.push(i);
  return out;
}

const cnn: LayerSpec[] = [
  { type: 'conv2d', channels: 4, kernel: 5, padding: 2, activation: 'relu' },
  { type: 'maxpool2d', kernel: 2 },
  { type: 'conv2d', channels: 6, kernel: 3, padding: 1, activation: 'relu' },
  { type: 'maxpool2d', kernel: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 8, activation: 'relu' },
  { type: 'dense' },
] as LayerSpec[];

describe('placeActivations', () => {
  it('moves a ReLU before a max pooling after it, in fp32 only', () => {
    const model = makeModel({ kind: 'sequential', input: [1, 12, 12], layers: cnn }, [1, 12, 12], 3, 'softmax_ce');
    const layers = (model as Sequential).layers;
    expect(placeActivations(layers, 'fp32')).toEqual([
      'identity',
      'relu',
      'identity',
      'relu',
      'identity',
      'relu',
      'identity',
    ]);
    expect(placeActivations(layers, 'bf16')).toEqual(layers.map((l) => l.activation));
  });

  it('keeps an activation other than ReLU before the pooling', () => {
    const spec = [{ ...cnn[0], activation: 'tanh' }, ...cnn.slice(1)] as LayerSpec[];
    const model = makeModel({ kind: 'sequential', input: [1, 12, 12], layers: spec }, [1, 12, 12], 3, 'softmax_ce');
    expect(placeActivations((model as Sequential).layers, 'fp32').slice(0, 2)).toEqual(['tanh', 'identity']);
  });
});

describe('Sequential with the ReLU after the pooling', () => {
  // Negative biases leave many 2×2 windows with no positive entry: the case where the two orders route a
  // zero gradient to different cells.
  it.each([0, -0.3])('matches the declared order bit for bit (logits, loss, gradient), conv bias shift %s', (shift) => {
    const model = makeModel(
      { kind: 'sequential', input: [1, 12, 12], layers: cnn },
      [1, 12, 12],
      3,
      'softmax_ce',
    ) as Sequential;
    const rng = Rng.fromSeed(5);
    const params = new Float32Array(model.layout.size);
    model.init(params, rng.fork('init'));
    for (let i = 0; i < params.length; i++) params[i] += 0.05 * rng.normal();
    for (const l of [0, 2]) {
      const bias = views(model, params, l)?.bias ?? new Float32Array(0);
      for (let j = 0; j < bias.length; j++) bias[j] += shift;
    }
    const batch = 4;
    const x = new Float32Array(batch * model.inputs);
    rng.fillNormal(x);
    const y = Int32Array.from({ length: batch }, (_, n) => n % 3);

    const ref = declaredOrderStep(model, params, x, y, batch);
    const grad = new Float32Array(model.layout.size).fill(Number.NaN);
    const loss = model.lossAndGrad(jsKernels, 'softmax_ce', params, x, y, batch, grad);
    const logits = model.forward(jsKernels, params, x, batch);

    expect(bitDifferences(logits, ref.logits)).toEqual([]);
    expect(loss).toBe(ref.loss);
    expect(bitDifferences(grad, ref.grad)).toEqual([]);
    expect(ref.grad.some((g) => g !== 0)).toBe(true);
  });
});
