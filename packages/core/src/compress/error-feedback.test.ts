import { describe, expect, it } from 'vitest';
import { makeLayout } from '../layout.js';
import { Rng } from '../rng/rng.js';
import type { CompressorSpec } from './compressors.js';
import { withErrorFeedback } from './error-feedback.js';
import { makeCompressor } from './make-compressor.js';

/** Least squares f(x) = ½‖Ax − b‖² with a fixed random A (rows×d) and b; returns ∇f at x in float64. */
function problem(rows: number, d: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const a = Array.from({ length: rows * d }, () => rng.normal() / Math.sqrt(rows));
  const b = Array.from({ length: rows }, () => rng.normal());
  return (x: Float32Array): Float64Array => {
    const g = new Float64Array(d);
    for (let r = 0; r < rows; r++) {
      let res = -b[r];
      for (let j = 0; j < d; j++) res += a[r * d + j] * x[j];
      for (let j = 0; j < d; j++) g[j] += a[r * d + j] * res;
    }
    return g;
  };
}

const specs: CompressorSpec[] = [
  { kind: 'sign', errorFeedback: true },
  { kind: 'topk', ratio: 0.1, errorFeedback: true },
  { kind: 'randk', ratio: 0.2, errorFeedback: true },
  { kind: 'qsgd', levels: 2, errorFeedback: true },
];

describe.each(specs)('error feedback around $kind', (spec) => {
  it('keeps the virtual iterate x̃ = x − e on plain SGD: x̃_{t+1} = x̃_t − η·g_t', () => {
    const d = 30;
    const eta = 0.05;
    const layout = makeLayout([{ name: 'x', shape: [d] }]);
    const grad = problem(40, d, 3);
    const c = makeCompressor(spec, layout);
    const rng = Rng.fromSeed(4);
    const x = new Float32Array(d);
    const memory = () => c.state()['ef.memory'] ?? new Float32Array(d);
    let worst = 0;
    for (let t = 0; t < 25; t++) {
      const g = grad(x);
      const e = memory();
      const virtual = Array.from(x, (xi, i) => xi - e[i]);
      const step = Float32Array.from(g, (gi) => eta * gi);
      const delta = c.decompress(c.compress(step, { rng, round: t }).bytes);
      for (let i = 0; i < d; i++) x[i] -= delta[i];
      const e2 = memory();
      for (let i = 0; i < d; i++) {
        const expected = virtual[i] - step[i];
        worst = Math.max(worst, Math.abs(x[i] - e2[i] - expected) / (1 + Math.abs(expected)));
      }
    }
    // Exact up to float32 rounding of the three additions per step.
    expect(worst).toBeLessThan(1e-5);
    expect(Math.max(...memory().map(Math.abs))).toBeGreaterThan(0);
  });

  it('checkpoints its memory: a restored compressor continues with the same bytes', () => {
    const d = 30;
    const layout = makeLayout([{ name: 'x', shape: [d] }]);
    const x = new Float32Array(d);
    Rng.fromSeed(1).fillNormal(x);
    const rng = Rng.fromSeed(2);
    const a = makeCompressor(spec, layout);
    a.compress(x, { rng, round: 0 });
    const b = makeCompressor(spec, layout);
    b.load(a.state());
    expect(b.compress(x, { rng, round: 1 }).bytes).toEqual(a.compress(x, { rng, round: 1 }).bytes);
    expect(b.state()['ef.memory']).toEqual(a.state()['ef.memory']);
  });
});

describe('error feedback', () => {
  it('is rejected when nested and when a checkpoint has the wrong size', () => {
    const layout = makeLayout([{ name: 'x', shape: [3] }]);
    const c = makeCompressor({ kind: 'sign', errorFeedback: true }, layout);
    expect(() => c.load({ 'ef.memory': new Float32Array(2) })).toThrow(/ef.memory has 2 entries, expected 3/);
    expect(() => withErrorFeedback(c)).toThrow(/applied once/);
  });
});
