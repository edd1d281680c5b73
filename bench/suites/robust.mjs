// Robust aggregation kernels: coordinate-wise median, trimmed mean (β = 0.1) and Krum's pairwise
// squared distances over n updates of d floats (default 100 × 200,000), with the TypeScript reference
// (jsRobustKernels) and the native kernels at every SIMD level this CPU has, in the same run. Imports the
// built packages (`npx tsc -b` first). A suite is an async generator of flat records.
import { jsRobustKernels, Rng } from '../../packages/core/dist/index.js';
import { loadBinding, nativeRobustKernels } from '../../packages/native/dist/index.js';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** The kernels measured: name, the call, and the output it writes. */
function kernels(trim) {
  return [
    ['median', (k, v, out) => k.coordinateMedian(v, out.f32), 'f32'],
    [`trimmed_mean(trim=${trim})`, (k, v, out) => k.trimmedMean(v, trim, out.f32), 'f32'],
    ['pairwise_sq_dist', (k, v, out) => k.pairwiseSquaredDistances(v, out.f64), 'f64'],
  ];
}

function sameBits(a, b) {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Yields per kernel a `js` record and a `native` record per SIMD level: `{ name, backend, simd?, n, d,
 * input_gb_per_s, floats_per_s, native_vs_js, median_ms, median_of, identical }`. input_gb_per_s counts
 * the n·d input floats (4 bytes each) per second of one call; `identical` says the native output equals
 * the reference's bit for bit. Backends alternate within each repeat, so load from other processes falls
 * on all of them.
 * @param {{ repeats?: number, quick?: boolean, n?: number, d?: number, beta?: number }} [options]
 *   (`quick`: 3 repeats and d = 50,000)
 */
export default async function* run(options = {}) {
  const repeats = options.repeats ?? (options.quick ? 3 : 5);
  const n = options.n ?? 100;
  const d = options.d ?? (options.quick ? 50_000 : 200_000);
  const trim = Math.floor((options.beta ?? 0.1) * n);
  const rng = Rng.fromSeed(1);
  const vectors = Array.from({ length: n }, () => {
    const x = new Float32Array(d);
    rng.fillNormal(x, 0, 0.01);
    return x;
  });
  let binding;
  try {
    binding = loadBinding();
  } catch (e) {
    yield { name: 'note', note: `native kernels skipped: ${e instanceof Error ? e.message : String(e)}` };
  }
  const levels = binding ? binding.simdLevels() : [];
  const native = binding ? nativeRobustKernels(binding) : undefined;
  const backends = [{ backend: 'js', kernels: jsRobustKernels }];
  for (const simd of levels) backends.push({ backend: 'native', simd, kernels: native });
  const bytes = 4 * n * d;
  for (const [name, call, kind] of kernels(trim)) {
    const runs = backends.map((b) => ({
      ...b,
      times: [],
      out: { f32: new Float32Array(d), f64: new Float64Array(n * n) },
    }));
    for (let r = 0; r < repeats; r++) {
      for (const b of runs) {
        if (b.simd) binding.setSimd(b.simd);
        const t0 = performance.now();
        call(b.kernels, vectors, b.out);
        b.times.push(performance.now() - t0);
        await yieldToLoop();
      }
    }
    if (binding) binding.setSimd('auto');
    const jsMs = median(runs[0].times);
    for (const b of runs) {
      const ms = median(b.times);
      yield {
        name,
        backend: b.backend,
        ...(b.simd ? { simd: b.simd } : {}),
        n,
        d,
        input_gb_per_s: bytes / 1e9 / (ms / 1e3),
        floats_per_s: (n * d) / (ms / 1e3),
        native_vs_js: jsMs / ms,
        median_ms: ms,
        median_of: repeats,
        identical: sameBits(b.out[kind], runs[0].out[kind]),
      };
    }
  }
}

// `node bench/suites/robust.mjs` prints the records on their own.
if (import.meta.url === `file://${process.argv[1]}`) {
  for await (const record of run()) console.log(JSON.stringify(record));
}
