import { describe, expect, it } from 'vitest';
import { activate } from '../kernels/activations.js';
import { jsKernels } from '../kernels/js.js';
import { Rng } from '../rng/rng.js';
import { AvgPool2dLayer } from './layers/avgpool2d.js';
import { Conv2dLayer } from './layers/conv2d.js';
import { DenseLayer } from './layers/dense.js';
import { GroupNormLayer } from './layers/groupnorm.js';
import type { Layer } from './layers/layer.js';
import { MaxPool2dLayer } from './layers/maxpool2d.js';
import { makeModel } from './make-model.js';
import type { Sequential } from './sequential.js';
import type { LayerSpec } from './sequential-spec.js';

type Vec = Float64Array;

/** One layer in float64, from the definitions (PyTorch semantics), for one example. */
function layerRef(layer: Layer, i: number, theta: Vec, model: Sequential, x: Vec): Vec {
  const view = (name: string) => {
    const t = model.layout.tensors.find((e) => e.name === `layer${i}.${name}`);
    if (!t) throw new Error(`no ${name}`);
    return theta.subarray(t.offset, t.offset + t.size);
  };
  const { c: C, h: H, w: W } = layer.input;
  const { c: K, h: OH, w: OW } = layer.output;
  const y = new Float64Array(K * OH * OW);
  const at = (c: number, r: number, q: number) => (r < 0 || r >= H || q < 0 || q >= W ? null : x[(c * H + r) * W + q]);
  if (layer instanceof Conv2dLayer) {
    const g = layer.geometry(1);
    const [w, b] = [view('weight'), view('bias')];
    for (let k = 0; k < K; k++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = b[k];
          for (let c = 0; c < C; c++)
            for (let r = 0; r < g.kernelH; r++)
              for (let q = 0; q < g.kernelW; q++)
                s +=
                  w[((k * C + c) * g.kernelH + r) * g.kernelW + q] *
                  (at(c, oh * g.strideH - g.padH + r, ow * g.strideW - g.padW + q) ?? 0);
          y[(k * OH + oh) * OW + ow] = s;
        }
  } else if (layer instanceof MaxPool2dLayer || layer instanceof AvgPool2dLayer) {
    const g = layer.geometry(1);
    for (let c = 0; c < K; c++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const cells: number[] = [];
          for (let r = 0; r < g.kernelH; r++)
            for (let q = 0; q < g.kernelW; q++) {
              const v = at(c, oh * g.strideH - g.padH + r, ow * g.strideW - g.padW + q);
              if (v !== null || layer instanceof AvgPool2dLayer) cells.push(v ?? 0);
            }
          y[(c * OH + oh) * OW + ow] =
            layer instanceof MaxPool2dLayer ? Math.max(...cells) : cells.reduce((a, v) => a + v, 0) / cells.length;
        }
  } else if (layer instanceof DenseLayer) {
    const [w, b] = [view('weight'), view('bias')];
    for (let j = 0; j < K; j++) {
      let s = b[j];
      for (let t = 0; t < x.length; t++) s += x[t] * w[t * K + j];
      y[j] = s;
    }
  } else if (layer instanceof GroupNormLayer) {
    const [gamma, beta] = [view('weight'), view('bias')];
    const per = C / layer.groups;
    const m = per * H * W;
    for (let gi = 0; gi < layer.groups; gi++) {
      const part = x.subarray(gi * m, (gi + 1) * m);
      const mu = part.reduce((a, v) => a + v, 0) / m;
      const v = part.reduce((a, q) => a + (q - mu) ** 2, 0) / m;
      for (let t = 0; t < m; t++) {
        const c = gi * per + Math.floor(t / (H * W));
        y[gi * m + t] = (gamma[c] * (part[t] - mu)) / Math.sqrt(v + layer.eps) + beta[c];
      }
    }
  } else {
    y.set(x); // flatten
  }
  return y.map((v) => activate(layer.activation, v));
}

/** Mean softmax cross-entropy of the batch, all in float64. */
function refLoss(model: Sequential, theta: Vec, x: Float32Array, y: Int32Array, batch: number): number {
  let total = 0;
  for (let n = 0; n < batch; n++) {
    let a: Vec = Float64Array.from(x.subarray(n * model.inputs, (n + 1) * model.inputs));
    model.layers.forEach((layer, i) => {
      a = layerRef(layer, i, theta, model, a);
    });
    const m = Math.max(...a);
    total += m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0)) - a[y[n]];
  }
  return total / batch;
}

const conv = (channels: number, kernel: number, extra: Partial<Extract<LayerSpec, { type: 'conv2d' }>> = {}) =>
  ({ type: 'conv2d', channels, kernel, ...extra }) as const;

const cases: [string, readonly number[], unknown[]][] = [
  [
    'conv stride 2 + padding, non-square input, relu',
    [2, 7, 6],
    [conv(3, 3, { stride: 2, padding: 1, activation: 'relu' }), { type: 'flatten' }, { type: 'dense' }],
  ],
  [
    'conv with kernel = input size, tanh',
    [2, 4, 3],
    [{ type: 'conv2d', channels: 4, kernel: [4, 3], activation: 'tanh' }, { type: 'flatten' }, { type: 'dense' }],
  ],
  [
    'max pooling with overlapping windows and padding',
    [1, 7, 7],
    [
      conv(2, 3, { padding: 1 }),
      { type: 'maxpool2d', kernel: 3, stride: 2, padding: 1 },
      { type: 'flatten' },
      { type: 'dense' },
    ],
  ],
  [
    'average pooling, non-square window',
    [2, 6, 5],
    [
      conv(2, 2),
      { type: 'avgpool2d', kernel: [2, 3], stride: 1, padding: [1, 0] },
      { type: 'flatten' },
      { type: 'dense', activation: 'identity' },
    ],
  ],
  [
    'group norm, groups = 1 then groups = C, elu',
    [2, 5, 5],
    [
      conv(4, 3),
      { type: 'groupnorm', groups: 1 },
      conv(4, 3, { padding: 1 }),
      { type: 'groupnorm', groups: 4, activation: 'elu' },
      { type: 'flatten' },
      { type: 'dense' },
    ],
  ],
  [
    'dense stack after flatten, sigmoid and leaky relu',
    [3, 2, 2],
    [
      { type: 'flatten' },
      { type: 'dense', units: 5, activation: 'sigmoid' },
      { type: 'dense', units: 4, activation: 'leaky_relu' },
      { type: 'dense' },
    ],
  ],
  [
    'the cnn-fedavg shape in miniature',
    [1, 12, 12],
    [
      conv(3, 5, { padding: 2, activation: 'relu' }),
      { type: 'maxpool2d', kernel: 2 },
      conv(4, 5, { padding: 2, activation: 'relu' }),
      { type: 'maxpool2d', kernel: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 6, activation: 'relu' },
      { type: 'dense' },
    ],
  ],
];

describe('Sequential gradients against float64 finite differences', () => {
  it.each(cases)('%s', (_name, input, layers) => {
    const classes = 3;
    const model = makeModel(
      { kind: 'sequential', input: [...input], layers: layers as LayerSpec[] },
      input,
      classes,
      'softmax_ce',
    ) as Sequential;
    const rng = Rng.fromSeed(11);
    const params = new Float32Array(model.layout.size);
    model.init(params, rng.fork('init'));
    // Non-zero biases and γ ≠ 1 so every parameter's derivative is exercised.
    for (let i = 0; i < params.length; i++) params[i] += 0.1 * rng.normal();
    const batch = 3;
    const x = new Float32Array(batch * model.inputs);
    rng.fillNormal(x);
    const y = Int32Array.from({ length: batch }, (_, n) => n % classes);
    const grad = new Float32Array(params.length);
    const loss = model.lossAndGrad(jsKernels, 'softmax_ce', params, x, y, batch, grad);
    const theta = Float64Array.from(params);
    expect(loss / batch).toBeCloseTo(refLoss(model, theta, x, y, batch), 4);
    const h = 1e-6;
    let worst = 0;
    for (let p = 0; p < params.length; p++) {
      const keep = theta[p];
      theta[p] = keep + h;
      const up = refLoss(model, theta, x, y, batch);
      theta[p] = keep - h;
      const down = refLoss(model, theta, x, y, batch);
      theta[p] = keep;
      const fd = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(grad[p] - fd) / Math.max(1e-2, Math.abs(fd)));
    }
    expect(worst).toBeLessThan(2e-3);
  });
});
