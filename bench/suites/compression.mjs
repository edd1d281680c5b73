// Compression throughput: compress + decompress of a 1M-float update per compressor (JS backend).
// Imports the built package (`npx tsc -b` first). A suite is an async generator of flat records.
import { makeCompressor, makeLayout, Rng } from '../../packages/core/dist/index.js';

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

/**
 * Yields one record per compressor: `{ name: 'compress+decompress', compressor, backend: 'js',
 * input_gb_per_s, median_of, median_ms, wire_bytes, ratio_vs_fp32 }`, where input_gb_per_s counts
 * the input float32 bytes (4·d) per second of one compress plus one decompress.
 * @param {{ repeats?: number, rows?: number, cols?: number }} [options] the input is a rows×cols
 *   matrix (default 1024×1024 = 1M floats, so PowerSGD sees a matrix)
 */
export default async function* run(options = {}) {
  const repeats = options.repeats ?? 7;
  const rows = options.rows ?? 1024;
  const cols = options.cols ?? 1024;
  const layout = makeLayout([{ name: 'w', shape: [rows, cols] }]);
  const d = layout.size;
  const x = new Float32Array(d);
  Rng.fromSeed(1).fillNormal(x);
  const out = new Float32Array(d);
  for (const [label, spec] of SPECS) {
    const c = makeCompressor(spec, layout);
    const rng = Rng.fromSeed(2);
    c.decompress(c.compress(x, { rng, round: 0 }).bytes, out); // warm-up (JIT, tables, warm starts)
    const times = [];
    let wire = 0;
    for (let r = 1; r <= repeats; r++) {
      const t0 = performance.now();
      const { bytes } = c.compress(x, { rng, round: r });
      c.decompress(bytes, out);
      times.push(performance.now() - t0);
      wire = bytes.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const ms = median(times);
    yield {
      name: 'compress+decompress',
      compressor: label,
      backend: 'js',
      input_gb_per_s: (4 * d) / 1e9 / (ms / 1e3),
      median_of: repeats,
      median_ms: ms,
      wire_bytes: wire,
      ratio_vs_fp32: (4 * d) / wire,
    };
  }
}

// `node bench/suites/compression.mjs` prints the records on their own.
if (import.meta.url === `file://${process.argv[1]}`) {
  for await (const record of run()) console.log(JSON.stringify(record));
}
