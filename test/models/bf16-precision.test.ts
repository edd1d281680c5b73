import { jsKernels, type ModelSpec, makeModel, Rng } from '@starling/core';
import { loadKernels } from '@starling/native';
import { describe, expect, it } from 'vitest';

// model.precision: bf16 on the native backend runs the addon's bf16 GEMM (nativeKernels' atPrecision),
// in every runtime, because the model picks its kernels; fp32 keeps the backend's own kernels.
const native = loadKernels('native').kernels;
const nativeBf16 = loadKernels('native', { precision: 'bf16' }).kernels;

const layers = [
  { type: 'conv2d', channels: 6, kernel: 5, padding: 2, activation: 'relu' },
  { type: 'maxpool2d', kernel: 2 },
  { type: 'conv2d', channels: 8, kernel: 3, activation: 'relu' },
  { type: 'flatten' },
  { type: 'dense', units: 16, activation: 'relu' },
  { type: 'dense' },
] as const;

function setup(precision: 'fp32' | 'bf16') {
  const model = makeModel(
    { kind: 'sequential', precision, layers: [...layers] } as ModelSpec,
    [1, 12, 12],
    10,
    'softmax_ce',
  );
  const rng = Rng.fromSeed(11);
  const params = new Float32Array(model.layout.size);
  model.init(params, rng.fork('init'));
  const batch = 6;
  const x = new Float32Array(batch * 144);
  rng.fork('x').fillNormal(x);
  const y = Int32Array.from({ length: batch }, (_, i) => (i * 3) % 10);
  return { model, params, x, y, batch };
}

function grad(kernels: typeof native, precision: 'fp32' | 'bf16') {
  const { model, params, x, y, batch } = setup(precision);
  const g = new Float32Array(model.layout.size);
  const loss = model.lossAndGrad(kernels, 'softmax_ce', params, x, y, batch, g);
  return { loss, g };
}

describe('model.precision: bf16 with the native kernels', () => {
  it('runs the native bf16 GEMM: the same bits as kernels loaded with precision bf16', () => {
    const viaModel = grad(native, 'bf16');
    const viaLoad = grad(nativeBf16, 'bf16');
    expect(viaModel.loss).toBe(viaLoad.loss);
    expect(viaModel.g).toEqual(viaLoad.g);
  });

  it('agrees with the TypeScript emulation to bf16 accuracy and differs from fp32', () => {
    const n = grad(native, 'bf16');
    const js = grad(jsKernels, 'bf16');
    const fp32 = grad(native, 'fp32');
    const rel = (a: Float32Array, b: Float32Array) => {
      let num = 0;
      let den = 0;
      for (let i = 0; i < a.length; i++) {
        num += (a[i] - b[i]) ** 2;
        den += b[i] ** 2;
      }
      return Math.sqrt(num / den);
    };
    expect(n.loss).toBeCloseTo(js.loss, 3);
    expect(rel(n.g, js.g)).toBeLessThan(1e-3); // same rounded operands; only the order of the fp32 sums differs
    expect(rel(n.g, fp32.g)).toBeGreaterThan(1e-4); // bf16 keeps 8 significant bits: visibly not fp32
    expect(rel(n.g, fp32.g)).toBeLessThan(5e-2);
  });

  it('leaves fp32 models on the backend’s own fp32 kernels', () => {
    expect(grad(native, 'fp32').g).toEqual(grad(loadKernels('native').kernels, 'fp32').g);
    expect(native.atPrecision?.('fp32')).toBe(native);
    expect(native.atPrecision?.('bf16')).toBe(native.atPrecision?.('bf16'));
  });
});
