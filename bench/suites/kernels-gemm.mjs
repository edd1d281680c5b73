// Native GEMM against the JS reference and the core's measured FP32 peak, in the three layouts one
// training step of the 2NN uses at batch 128: forward X·W, weight gradient Xᵀ·dZ, input gradient
// dZ·Wᵀ (the last as the first layer's 128×784×200 would need it). Imports the built packages.
import { jsKernels } from '../../packages/core/dist/index.js';
import { loadBinding, nativeKernels } from '../../packages/native/dist/index.js';

const LAYOUTS = [
  { layout: 'NN', ta: false, tb: false, m: 128, n: 200, k: 784, role: 'forward X·W' },
  { layout: 'TN', ta: true, tb: false, m: 784, n: 200, k: 128, role: 'weight grad Xᵀ·dZ' },
  { layout: 'NT', ta: false, tb: true, m: 128, n: 784, k: 200, role: 'input grad dZ·Wᵀ' },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const pause = () => new Promise((resolve) => setImmediate(resolve));

/** Seconds per call of `fn`, over a window of at least `minMs` (at least one call). */
function secondsPerCall(fn, minMs) {
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    fn();
    calls++;
    t = performance.now();
  } while (t - t0 < minMs);
  return (t - t0) / 1e3 / calls;
}

/** GFLOP/s of the FMA probe at the binding's current level over a ~`ms` window. */
function peak(binding, ms) {
  let flops = 0;
  const s = secondsPerCall(() => {
    flops = binding.fmaPeak(2e6, 0.9999);
  }, ms);
  return flops / s / 1e9;
}

/**
 * Yields `fp32-peak` (native, best SIMD level), then per layout `gemm` records for js, native and
 * native on 2 threads, with gflops, fraction_of_peak (of threads × single-core peak) and vs_js; then
 * the forward layout at every SIMD level. Measurements interleave across repeats; medians reported.
 * @param {{ repeats?: number, quick?: boolean }} [options]
 */
export default async function* run(options = {}) {
  const repeats = options.repeats ?? (options.quick ? 3 : 7);
  const windowMs = options.quick ? 40 : 100;
  const binding = loadBinding();
  const native = nativeKernels(binding);
  const levels = binding.simdLevels();
  const best = binding.simd();
  const data = LAYOUTS.map(({ m, n, k }) => ({
    a: Float32Array.from({ length: m * k }, (_, i) => Math.sin(i) * 0.5),
    b: Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.37) * 0.5),
    c: new Float32Array(m * n),
  }));
  const times = { peak: [], js: LAYOUTS.map(() => []), t1: LAYOUTS.map(() => []), t2: LAYOUTS.map(() => []) };
  const levelTimes = levels.map(() => []);
  for (let r = 0; r < repeats; r++) {
    binding.setSimd(best);
    times.peak.push(peak(binding, windowMs));
    LAYOUTS.forEach(({ ta, tb, m, n, k }, i) => {
      const { a, b, c } = data[i];
      times.t1[i].push(secondsPerCall(() => native.gemm(ta, tb, m, n, k, 1, a, b, 0, c), windowMs));
      binding.setThreads(2);
      times.t2[i].push(secondsPerCall(() => native.gemm(ta, tb, m, n, k, 1, a, b, 0, c), windowMs));
      binding.setThreads(1);
      times.js[i].push(secondsPerCall(() => jsKernels.gemm(ta, tb, m, n, k, 1, a, b, 0, c), windowMs));
    });
    levels.forEach((level, j) => {
      binding.setSimd(level);
      const { ta, tb, m, n, k } = LAYOUTS[0];
      const { a, b, c } = data[0];
      levelTimes[j].push(secondsPerCall(() => native.gemm(ta, tb, m, n, k, 1, a, b, 0, c), windowMs));
    });
    await pause();
  }
  binding.setSimd(best);
  const peakGflops = median(times.peak);
  yield { name: 'fp32-peak', backend: 'native', simd: best, threads: 1, gflops: peakGflops, median_of: repeats };
  for (const [i, { layout, m, n, k, role }] of LAYOUTS.entries()) {
    const flops = 2 * m * n * k;
    const shape = `${m}x${n}x${k}`;
    const js = flops / median(times.js[i]) / 1e9;
    yield { name: 'gemm', layout, shape, role, backend: 'js', threads: 1, gflops: js, median_of: repeats };
    for (const [threads, list] of [
      [1, times.t1[i]],
      [2, times.t2[i]],
    ]) {
      const gflops = flops / median(list) / 1e9;
      const fraction_of_peak = gflops / (threads * peakGflops);
      yield {
        name: 'gemm',
        layout,
        shape,
        role,
        backend: 'native',
        simd: best,
        threads,
        gflops,
        fraction_of_peak,
        vs_js: gflops / js,
        median_of: repeats,
      };
    }
  }
  const { layout, m, n, k, role } = LAYOUTS[0];
  for (const [j, level] of levels.entries()) {
    const gflops = (2 * m * n * k) / median(levelTimes[j]) / 1e9;
    yield {
      name: 'gemm-simd',
      layout,
      shape: `${m}x${n}x${k}`,
      role,
      backend: 'native',
      simd: level,
      threads: 1,
      gflops,
      median_of: repeats,
    };
  }
}
