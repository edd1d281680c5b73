import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { Rng } from '../rng/rng.js';
import { makeModel } from './make-model.js';

const layers = [
  { type: 'conv2d', channels: 3, kernel: 3, stride: 2, padding: 1, activation: 'relu' },
  { type: 'groupnorm', groups: 3 },
  { type: 'conv2d', channels: 4, kernel: 3, padding: 1 },
  { type: 'groupnorm', groups: 2, activation: 'tanh' },
  { type: 'maxpool2d', kernel: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 5, activation: 'relu' },
  { type: 'dense' },
] as const;

describe('Sequential.clippedGradSum (ghost clipping)', () => {
  it.each([
    ['clipping', { clipNorm: 0.3 }],
    ['normalization', { clipNorm: 1, normalizeKappa: 0.01 }],
    ['no clipping', { clipNorm: Number.POSITIVE_INFINITY }],
  ])('equals per-example gradients computed one example at a time: %s', (_name, clip) => {
    const model = makeModel({ kind: 'sequential', layers: [...layers] }, [2, 8, 7], 3, 'softmax_ce');
    const rng = Rng.fromSeed(21);
    const params = new Float32Array(model.layout.size);
    model.init(params, rng.fork('init'));
    for (let i = 0; i < params.length; i++) params[i] += 0.05 * rng.normal();
    const batch = 6;
    const x = new Float32Array(batch * model.inputs);
    rng.fillNormal(x);
    const y = Int32Array.from({ length: batch }, (_, n) => (n * 2) % 3);
    const grad = new Float32Array(params.length);
    const norms = new Float64Array(batch);
    const loss = model.clippedGradSum(jsKernels, 'softmax_ce', params, x, y, batch, clip, grad, norms);

    const want = new Float64Array(params.length);
    const gi = new Float32Array(params.length);
    let wantLoss = 0;
    let clipped = 0;
    for (let n = 0; n < batch; n++) {
      const xn = x.subarray(n * model.inputs, (n + 1) * model.inputs);
      wantLoss += model.lossAndGrad(jsKernels, 'softmax_ce', params, xn, y.subarray(n, n + 1), 1, gi);
      const norm = Math.sqrt(gi.reduce((a, v) => a + v * v, 0));
      expect(Math.abs(norms[n] - norm) / norm).toBeLessThan(1e-5);
      const kappa = 'normalizeKappa' in clip ? clip.normalizeKappa : null;
      const s = kappa === null ? Math.min(1, clip.clipNorm / norm) : clip.clipNorm / (norm + kappa);
      if (s < 1) clipped++;
      for (let p = 0; p < params.length; p++) want[p] += s * gi[p];
    }
    if (clip.clipNorm === 0.3) expect(clipped).toBeGreaterThan(2);
    expect(loss).toBeCloseTo(wantLoss, 4);
    let worst = 0;
    const scale = Math.max(...want.map(Math.abs));
    for (let p = 0; p < params.length; p++) worst = Math.max(worst, Math.abs(grad[p] - want[p]) / scale);
    expect(worst).toBeLessThan(1e-5);
  });
});
