// Compression throughput: compress + decompress of a 1M-float update per compressor, with the JS
// kernels and the native kernels side by side. Imports the built packages (`npx tsc -b` first).
// A suite is an async generator of flat records.
import v8 from 'node:v8';
import vm from 'node:vm';
import { jsKernels, makeCompressor, makeLayout, Rng } from '../../packages/core/dist/index.js';
import { loadKernels } from '../../packages/native/dist/index.js';

// A full GC before every window, so one backend's garbage (a fresh payload per call) is not collected
// inside the other's window.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc');

/** The compressors measured, as config specs, with the label used in records. */
export const SPECS = [
  ['none', { kind: 'none' }],
  ['fp16', { kind: 'fp16' }],
  ['bf16', { kind: 'bf16' }],
  ['qsgd(s=4)', { kind: 'qsgd', levels: 4 }],
  ['qsgd(s=16)', { kind: 'qsgd', levels: 16 }],
  ['sign', { kind: 'sign' }],
  ['sign+ef', { kind: 'sign', errorFeedback: true }],
  ['topk(1%)', { kind: 'topk', ratio: 0.01 }],
  ['topk(1%)+ef', { kind: 'topk', ratio: 0.01, errorFeedback: true }],
  ['randk(1%)', { kind: 'randk', ratio: 0.01 }],
  ['dropout(p=0.5)', { kind: 'dropout', p: 0.5 }],
  ['powersgd(r=2)', { kind: 'powersgd', rank: 2 }],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** One timed compress + decompress in ms, and the payload size. */
function once(c, x, out, rng, round) {
  collect();
  const t0 = performance.now();
  const { bytes } = c.compress(x, { rng, round });
  c.decompress(bytes, out);
  return { ms: performance.now() - t0, wire: bytes.length };
}

/**
 * Yields, per compressor, a `js` record and (when the addon loads) a `native` record:
 * `{ name: 'compress+decompress', compressor, backend, input_gb_per_s, median_of, median_ms,
 * wire_bytes, ratio_vs_fp32 }`, the native one with `simd` and `native_vs_js` (the ratio of the
 * throughputs). input_gb_per_s counts the input float32 bytes (4·d) per second of one compress plus
 * one decompress. JS and native windows alternate, so load from other processes falls on both, and
 * each starts after a full GC.
 * @param {{ repeats?: number, quick?: boolean, rows?: number, cols?: number }} [options] the input is
 *   a rows×cols matrix (default 1024×1024 = 1M floats, so PowerSGD sees a matrix)
 */
export default async function* run(options = {}) {
  const repeats = options.repeats ?? (options.quick ? 5 : 15);
  const rows = options.rows ?? 1024;
  const cols = options.cols ?? 1024;
  const layout = makeLayout([{ name: 'w', shape: [rows, cols] }]);
  const d = layout.size;
  const x = new Float32Array(d);
  Rng.fromSeed(1).fillNormal(x);
  const out = new Float32Array(d);
  const loaded = loadKernels('auto');
  const backends = [['js', jsKernels]];
  if (loaded.backend === 'native') backends.push(['native', loaded.kernels]);
  else yield { name: 'note', note: `native kernels skipped: ${loaded.warning}` };
  for (const [label, spec] of SPECS) {
    const runs = backends.map(([backend, kernels]) => ({
      backend,
      c: makeCompressor(spec, layout, { kernels }),
      rng: Rng.fromSeed(2),
      times: [],
      wire: 0,
    }));
    for (const r of runs) once(r.c, x, out, r.rng, 0); // warm-up (JIT, tables, warm starts)
    for (let round = 1; round <= repeats; round++) {
      for (const r of runs) {
        const { ms, wire } = once(r.c, x, out, r.rng, round);
        r.times.push(ms);
        r.wire = wire;
        await yieldToLoop();
      }
    }
    const jsRate = (4 * d) / 1e9 / (median(runs[0].times) / 1e3);
    for (const r of runs) {
      const ms = median(r.times);
      const rate = (4 * d) / 1e9 / (ms / 1e3);
      yield {
        name: 'compress+decompress',
        compressor: label,
        backend: r.backend,
        ...(r.backend === 'native' ? { simd: loaded.simd } : {}),
        input_gb_per_s: rate,
        ...(r.backend === 'native' ? { native_vs_js: rate / jsRate } : {}),
        median_of: repeats,
        median_ms: ms,
        wire_bytes: r.wire,
        ratio_vs_fp32: (4 * d) / r.wire,
      };
    }
  }
}

// `node bench/suites/compression.mjs` prints the records on their own.
if (import.meta.url === `file://${process.argv[1]}`) {
  for await (const record of run()) console.log(JSON.stringify(record));
}
