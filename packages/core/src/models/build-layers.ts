import { errors } from '../errors.js';
import { AvgPool2dLayer } from './layers/avgpool2d.js';
import { Conv2dLayer } from './layers/conv2d.js';
import { DenseLayer } from './layers/dense.js';
import { FlattenLayer } from './layers/flatten.js';
import { GroupNormLayer } from './layers/groupnorm.js';
import { type FeatureShape, type Layer, showShape } from './layers/layer.js';
import { MaxPool2dLayer } from './layers/maxpool2d.js';
import type { LayerSpec } from './sequential-spec.js';

const asPair = (v: number | readonly [number, number]): [number, number] =>
  typeof v === 'number' ? [v, v] : [v[0], v[1]];

/**
 * The input shape of a sequential model: `model.input` when given, else the data's per-example shape;
 * [H, W] means one channel, [d] a flat vector. Its product must equal the data's features per example.
 */
export function inputShape(declared: readonly number[] | undefined, data: number | readonly number[]): FeatureShape {
  const dims = declared ?? (typeof data === 'number' ? [data] : data);
  const d = typeof data === 'number' ? data : data.reduce((a, b) => a * b, 1);
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== d)
    throw errors.option('model.input', `a shape with ${d} entries (the data's features per example)`, dims);
  if (dims.length === 1) return { c: dims[0], h: 1, w: 1, flat: true };
  if (dims.length === 2) return { c: 1, h: dims[0], w: dims[1], flat: false };
  if (dims.length === 3) return { c: dims[0], h: dims[1], w: dims[2], flat: false };
  throw errors.option('model.input', 'C×H×W, H×W or a length', dims);
}

/** A pooling or convolution window checked against its input, with the message the config path names. */
function window(
  spec: { kernel: number | [number, number]; padding: number | [number, number] },
  at: FeatureShape,
  path: string,
) {
  if (at.flat)
    throw errors.option(
      `${path}.type`,
      `a layer for vectors (dense, groupnorm) after flatten or dense, input ${showShape(at)}`,
      'a 2-D window',
    );
  const kernel = asPair(spec.kernel);
  const padding = asPair(spec.padding);
  if (kernel[0] > at.h + 2 * padding[0] || kernel[1] > at.w + 2 * padding[1]) {
    const k = kernel[0] === kernel[1] ? `${kernel[0]}` : `${kernel[0]}×${kernel[1]}`;
    throw errors.option(
      `${path}.kernel`,
      `at most the padded input ${at.h + 2 * padding[0]}×${at.w + 2 * padding[1]}`,
      `${k} (it does not fit a ${at.h}×${at.w} input)`,
    );
  }
  for (let a = 0; a < 2; a++) {
    if (padding[a] >= kernel[a])
      throw errors.option(`${path}.padding`, `less than the kernel (${kernel[a]})`, padding[a]);
  }
  return { kernel, padding };
}

/**
 * Builds the layers of `model.layers` from the input shape, checking the geometry as it goes; errors
 * name the entry (`model.layers[2].kernel must be at most the padded input 3×3, got "5 (...)"`).
 * @param outputs the model's output width: the last `dense` defaults its `units` to it, and the last layer must produce it
 */
export function buildLayers(specs: readonly LayerSpec[], input: FeatureShape, outputs: number): Layer[] {
  const layers: Layer[] = [];
  let at = input;
  specs.forEach((s, i) => {
    const path = `model.layers[${i}]`;
    const last = i === specs.length - 1;
    let layer: Layer;
    switch (s.type) {
      case 'conv2d': {
        const { kernel, padding } = window(s, at, path);
        layer = new Conv2dLayer(
          at,
          { channels: s.channels, kernel, padding, stride: asPair(s.stride), activation: s.activation },
          path,
        );
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d': {
        const { kernel, padding } = window(s, at, path);
        const o = { kernel, padding, stride: s.stride === undefined ? kernel : asPair(s.stride) };
        layer = s.type === 'maxpool2d' ? new MaxPool2dLayer(at, o, path) : new AvgPool2dLayer(at, o, path);
        break;
      }
      case 'flatten':
        layer = new FlattenLayer(at);
        break;
      case 'dense':
        if (!at.flat)
          throw errors.option(`${path}.type`, `flatten before dense (its input is ${showShape(at)})`, 'dense');
        if (s.units === undefined && !last)
          throw errors.option(`${path}.units`, 'given for a dense layer that is not the last', undefined);
        layer = new DenseLayer(at, s.units ?? outputs, s.activation);
        break;
      case 'groupnorm':
        if (at.c % s.groups !== 0)
          throw errors.option(`${path}.groups`, `a divisor of the ${at.c} input channels`, s.groups);
        layer = new GroupNormLayer(at, s.groups, s.eps, s.activation);
        break;
    }
    layers.push(layer);
    at = layer.output;
  });
  const size = at.c * at.h * at.w;
  if (size !== outputs) {
    throw errors.option(
      `model.layers[${specs.length - 1}]`,
      `a last layer with ${outputs} outputs (one per class for softmax_ce, 1 for bce, hinge and mse)`,
      `${showShape(at)} = ${size}`,
    );
  }
  return layers;
}
