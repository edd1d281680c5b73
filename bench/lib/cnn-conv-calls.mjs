// GFLOP/s of each convolution call of McMahan et al.'s CNN step (bench/lib/cnn-step.mjs) on its own:
// the call's GEMM flops (forward 2·T·d·K per example; layer 1's backward dw only, layer 2's dw and dx)
// over the CPU seconds of the call, which include its im2col, col2im and epilogues. Medians of
// `repeats` timed runs of `calls` calls each, on fixed pseudo-random data. With the Winograd path (layer 2
// under the `auto` algorithm) gflops stays the direct convolution's flops per second (an effective rate);
// gemm_gflops counts the products Winograd F(4×4, 5×5) really does: per image 16 tiles × 64 transformed
// positions × 2·C·K (forward; twice that for dw and dx), transforms not counted.
import { cnnGeometries } from './cnn-step.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** A Float32Array of n values in [-0.5, 0.5) from a fixed integer hash. */
function filled(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  return a;
}

/** The four conv calls of a step at `batch`: [name, run, GEMM flops per call, flops done per call]. */
function convCalls(conv, batch, algorithm) {
  const g = cnnGeometries(batch);
  const [t1, t2] = [784, 196];
  const x = filled(batch * 784);
  const [w1, b1, z1, dw1, db1] = [filled(800), filled(32), filled(batch * 32 * t1), filled(800), filled(32)];
  const [p1, dp1] = [filled(batch * 32 * t2), filled(batch * 32 * t2)];
  const [w2, b2, z2, dw2, db2] = [filled(51200), filled(64), filled(batch * 64 * t2), filled(51200), filled(64)];
  const per = (t, d, k) => 2 * t * d * k * batch;
  const wino = algorithm === 'auto' ? 2 * 16 * 64 * 32 * 64 * batch : per(t2, 800, 64);
  return [
    [
      'conv1 forward (y = w·U, 32×25 · 25×784 per image)',
      () => conv.conv2dForward(g.conv1, x, w1, b1, z1),
      per(t1, 25, 32),
    ],
    [
      'conv1 backward (dwᵀ = U·δᵀ only)',
      () => conv.conv2dBackward(g.conv1, x, w1, z1, dw1, db1, null),
      per(t1, 25, 32),
    ],
    [
      'conv2 forward (y = w·U, 64×800 · 800×196 per image)',
      () => conv.conv2dForward(g.conv2, p1, w2, b2, z2),
      per(t2, 800, 64),
      wino,
    ],
    [
      'conv2 backward (dwᵀ = U·δᵀ and dU = wᵀ·δ)',
      () => conv.conv2dBackward(g.conv2, p1, w2, z2, dw2, db2, dp1),
      2 * per(t2, 800, 64),
      2 * wino,
    ],
  ];
}

/**
 * Records { call, gflops, fraction_of_peak, us_per_call, gemm_gflops, gemm_fraction_of_peak } for each
 * conv call at `batch` with the kernels' `conv` (made with conv algorithm `algorithm`, 'auto' or
 * 'direct'), against `peak` GFLOP/s.
 */
export function convCallRates(conv, batch, peak, repeats, algorithm = 'auto', calls = 10) {
  const out = [];
  for (const [call, run, flops, done = flops] of convCalls(conv, batch, algorithm)) {
    for (let i = 0; i < 3; i++) run();
    const rates = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = cpuSeconds();
      for (let i = 0; i < calls; i++) run();
      rates.push((flops * calls) / (cpuSeconds() - t0) / 1e9);
    }
    const gflops = median(rates);
    const gemm = (gflops * done) / flops;
    out.push({
      call,
      gflops,
      fraction_of_peak: gflops / peak,
      us_per_call: (flops / gflops) * 1e-3,
      gemm_gflops: gemm,
      gemm_fraction_of_peak: gemm / peak,
    });
  }
  return out;
}
