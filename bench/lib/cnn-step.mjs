// One SGD training step of McMahan et al.'s CNN (conv 5×5×32 pad 2 + ReLU, max-pool 2, conv 5×5×64 pad 2
// + ReLU, max-pool 2, dense 3136→512 ReLU, dense 512→10, softmax cross-entropy; 1,663,370 parameters on
// 1×28×28), wired by hand from the Kernels API (conv, pooling, gemm, biasActivation, softmaxCrossEntropy,
// optimizerStep): `cnnStep`, the kernels' own speed; and the same step through the product's model
// (`sequentialStep`: core's Sequential from `makeModel({ kind: 'cnn-fedavg' })`), what a run trains with.
// Parameter order and names follow the shared model config: layer{i}.weight / layer{i}.bias, conv weight
// K×C×kh×kw, dense weight fanIn×fanOut.
import { makeModel, Rng } from '../../packages/core/dist/index.js';

/** The parameter tensors, in layout order: [name, entries]. */
export const CNN_TENSORS = [
  ['layer0.weight', 32 * 25],
  ['layer0.bias', 32],
  ['layer2.weight', 64 * 32 * 25],
  ['layer2.bias', 64],
  ['layer5.weight', 3136 * 512],
  ['layer5.bias', 512],
  ['layer6.weight', 512 * 10],
  ['layer6.bias', 10],
];

/** The two convolutions' geometries for a batch. */
export function cnnGeometries(batch) {
  const conv = (c, hw, k) => ({
    batch,
    inChannels: c,
    inHeight: hw,
    inWidth: hw,
    outChannels: k,
    kernelH: 5,
    kernelW: 5,
    strideH: 1,
    strideW: 1,
    padH: 2,
    padW: 2,
    outHeight: hw,
    outWidth: hw,
  });
  const pool = (c, hw) => ({
    batch,
    inChannels: c,
    inHeight: hw,
    inWidth: hw,
    outChannels: c,
    kernelH: 2,
    kernelW: 2,
    strideH: 2,
    strideW: 2,
    padH: 0,
    padW: 0,
    outHeight: hw / 2,
    outWidth: hw / 2,
  });
  return { conv1: conv(1, 28, 32), pool1: pool(32, 28), conv2: conv(32, 14, 64), pool2: pool(64, 14) };
}

/** Multiply-adds ×2 of the convolutions' GEMMs per example: forward both, dw both, dx of layer 2 only. */
export const CONV_FLOPS_PER_EXAMPLE = 2 * (784 * 25 * 32 * 2 + 196 * 800 * 64 * 3);

function views(params) {
  const out = {};
  let offset = 0;
  for (const [name, n] of CNN_TENSORS) {
    out[name] = params.subarray(offset, offset + n);
    offset += n;
  }
  return out;
}

/**
 * A closure running one training step (forward, loss, backward, SGD update, lr 0.01) on fixed random
 * data of `batch` examples with `kernels` (whose `conv` must be set). Returns { step, size }.
 */
export function cnnStep(kernels, batch) {
  const k = kernels;
  const cv = kernels.conv;
  const size = CNN_TENSORS.reduce((s, [, n]) => s + n, 0);
  const params = new Float32Array(size);
  const grad = new Float32Array(size);
  const rng = Rng.fromSeed(7);
  const p = views(params);
  const gr = views(grad);
  for (const [name] of CNN_TENSORS) {
    if (!name.endsWith('weight')) continue;
    const fanIn =
      name === 'layer0.weight' ? 25 : name === 'layer2.weight' ? 800 : name === 'layer5.weight' ? 3136 : 512;
    const bound = Math.sqrt(6 / fanIn);
    rng.fork(name).fillUniform(p[name], -bound, bound);
  }
  const x = new Float32Array(batch * 784);
  rng.fork('x').fillUniform(x, 0, 1);
  const labelRng = rng.fork('y');
  const y = Int32Array.from({ length: batch }, () => labelRng.int(10));
  const g = cnnGeometries(batch);
  const f = (n) => new Float32Array(n);
  const [n1, q1, n2, q2] = [batch * 32 * 784, batch * 32 * 196, batch * 64 * 196, batch * 3136];
  // ReLU after each max pooling (relu(maxpool(z)) = maxpool(relu(z)), on 4× fewer entries), as core's
  // Sequential places it: m = maxpool(z), p = relu(m).
  const a = { z1: f(n1), m1: f(q1), p1: f(q1), i1: new Int32Array(q1), z2: f(n2), m2: f(q2), p2: f(q2) };
  Object.assign(a, { i2: new Int32Array(q2), z3: f(batch * 512), a3: f(batch * 512), z4: f(batch * 10) });
  const d = { g4: f(batch * 10), a3: f(batch * 512), z3: f(batch * 512), p2: f(q2), z2: f(n2) };
  Object.assign(d, { p1: f(q1), z1: f(n1) });
  const zeros = f(32 * 196);
  const sgd = { kind: 'sgd', lr: 0.01, weightDecay: 0 };
  const step = () => {
    cv.conv2dForward(g.conv1, x, p['layer0.weight'], p['layer0.bias'], a.z1);
    cv.maxPool2dForward(g.pool1, a.z1, a.m1, a.i1);
    k.biasActivation('relu', batch, 32 * 196, a.m1, zeros, a.p1);
    cv.conv2dForward(g.conv2, a.p1, p['layer2.weight'], p['layer2.bias'], a.z2);
    cv.maxPool2dForward(g.pool2, a.z2, a.m2, a.i2);
    k.biasActivation('relu', batch, 64 * 49, a.m2, zeros, a.p2);
    k.gemm(false, false, batch, 512, 3136, 1, a.p2, p['layer5.weight'], 0, a.z3);
    k.biasActivation('relu', batch, 512, a.z3, p['layer5.bias'], a.a3);
    k.gemm(false, false, batch, 10, 512, 1, a.a3, p['layer6.weight'], 0, a.z4);
    k.biasActivation('identity', batch, 10, a.z4, p['layer6.bias'], a.z4);
    const loss = k.softmaxCrossEntropy(batch, 10, a.z4, y, 1 / batch, d.g4);
    k.gemm(true, false, 512, 10, batch, 1, a.a3, d.g4, 0, gr['layer6.weight']);
    k.columnSums(batch, 10, d.g4, gr['layer6.bias']);
    k.gemm(false, true, batch, 512, 10, 1, d.g4, p['layer6.weight'], 0, d.a3);
    k.activationBackward('relu', a.z3, a.a3, d.a3, d.z3);
    k.gemm(false, true, batch, 3136, 512, 1, d.z3, p['layer5.weight'], 0, d.p2); // W still cached: before dW
    k.gemm(true, false, 3136, 512, batch, 1, a.p2, d.z3, 0, gr['layer5.weight']);
    k.columnSums(batch, 512, d.z3, gr['layer5.bias']);
    k.activationBackward('relu', a.m2, a.p2, d.p2, d.p2);
    cv.maxPool2dBackward(g.pool2, d.p2, a.i2, d.z2);
    cv.conv2dBackward(g.conv2, a.p1, p['layer2.weight'], d.z2, gr['layer2.weight'], gr['layer2.bias'], d.p1);
    k.activationBackward('relu', a.m1, a.p1, d.p1, d.p1);
    cv.maxPool2dBackward(g.pool1, d.p1, a.i1, d.z1);
    cv.conv2dBackward(g.conv1, x, p['layer0.weight'], d.z1, gr['layer0.weight'], gr['layer0.bias'], null);
    k.optimizerStep(sgd, params, grad, []);
    return loss;
  };
  return { step, size, params, grad, x, y, acts: a };
}

/**
 * The same step through the product's model: `makeModel({ kind: 'cnn-fedavg' })` (core's Sequential),
 * `lossAndGrad` then one SGD step (lr 0.01), on the same kind of fixed random data. Returns { step }.
 */
export function sequentialStep(kernels, batch) {
  const model = makeModel({ kind: 'cnn-fedavg' }, [1, 28, 28], 10, 'softmax_ce');
  const params = new Float32Array(model.layout.size);
  const grad = new Float32Array(model.layout.size);
  const rng = Rng.fromSeed(7);
  model.init(params, rng.fork('init'));
  const x = new Float32Array(batch * 784);
  rng.fork('x').fillUniform(x, 0, 1);
  const labelRng = rng.fork('y');
  const y = Int32Array.from({ length: batch }, () => labelRng.int(10));
  const sgd = { kind: 'sgd', lr: 0.01, weightDecay: 0 };
  const step = () => {
    const loss = model.lossAndGrad(kernels, 'softmax_ce', params, x, y, batch, grad);
    kernels.optimizerStep(sgd, params, grad, []);
    return loss;
  };
  return { step, size: model.layout.size };
}
