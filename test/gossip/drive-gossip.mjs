// Runs one gossip experiment through its driver with a hand-made RunContext (as run-experiment.ts builds
// it), in a process of its own so that peer host processes start from the built runner (dist/).
// Usage: node drive-gossip.mjs <config> <sets as JSON> <capture round or -1> <checkpoint out> [checkpoint to resume from]
// Prints {model_sha256, lines, boundaries, outcome, capture: {ms, bytes}} as JSON on stdout.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ALGORITHMS, decodeCheckpoint, encodeCheckpoint, loadConfig } from '@starling/runner';
import { loadKernels } from '@starling/worker';

const [file, sets, at, out, from] = process.argv.slice(2);
const captureAt = Number(at);
const pino = createRequire(import.meta.resolve('@starling/runner'))('pino');
const cfg = loadConfig(file, JSON.parse(sets));
const loaded = loadKernels(process.env.STARLING_KERNELS === 'native' ? 'native' : 'js');
const resume = from ? decodeCheckpoint(readFileSync(from), from) : null;
const lines = [];
const boundaries = [];
const capture = { ms: null, bytes: null };
const outcome = await ALGORITHMS[cfg.algorithm.kind].run(
  {
    cfg,
    kernels: loaded.kernels,
    hostKernels: loaded.backend === 'native' ? 'native' : 'js',
    log: pino({ level: process.env.DRIVE_LOG ?? 'silent' }),
    baseDir: process.cwd(),
    elapsed: () => 0,
    async record(line) {
      lines.push(line);
    },
    resume: resume ? { round: resume.round, state: resume.state } : null,
    async boundary(round, captureState) {
      boundaries.push(round);
      if (round !== captureAt) return;
      const t0 = performance.now();
      const state = await captureState();
      capture.ms = performance.now() - t0;
      // Through the checkpoint file format, as the pipeline writes it and `starling resume` reads it.
      const bytes = Buffer.concat(
        encodeCheckpoint({ run: cfg.name, configSha256: '', round, driver: 'gossip', state }),
      );
      capture.bytes = bytes.length;
      writeFileSync(out, bytes);
    },
  },
  { footprint() {}, prepared() {} },
);
const m = outcome.model;
const sha = createHash('sha256')
  .update(Buffer.from(m.buffer, m.byteOffset, m.byteLength))
  .digest('hex');
const { model, layout, ...rest } = outcome;
console.log(JSON.stringify({ model_sha256: sha, lines, boundaries, outcome: rest, capture }));
