import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import {
  ALGORITHMS,
  type CheckpointValue,
  decodeCheckpoint,
  encodeCheckpoint,
  loadConfig,
  type MetricsLine,
} from '@starling/runner';
import { loadKernels } from '@starling/worker';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
// The runner's own pino (the test package does not depend on pino): a silent root logger as the CLI makes one.
const pino = createRequire(import.meta.resolve('@starling/runner'))('pino');

/** One run of a gossip config through its driver, with a hand-made RunContext as run-experiment.ts builds it. */
async function drive(
  file: string,
  sets: readonly string[],
  opts: { captureAt?: number; resume?: { round: number; state: CheckpointValue } } = {},
) {
  const cfg = loadConfig(join(ROOT, file), sets);
  const loaded = loadKernels('js');
  const lines: MetricsLine[] = [];
  const boundaries: number[] = [];
  let captured: { round: number; state: CheckpointValue; bytes: number } | null = null;
  const outcome = await ALGORITHMS[cfg.algorithm.kind].run(
    {
      cfg,
      kernels: loaded.kernels,
      hostKernels: 'js',
      log: pino({ level: 'silent' }),
      baseDir: ROOT,
      elapsed: () => 0,
      async record(line) {
        lines.push(line);
      },
      resume: opts.resume ?? null,
      async boundary(round, capture) {
        boundaries.push(round);
        if (round !== opts.captureAt) return;
        // Through the checkpoint file format, as the pipeline writes and `starling resume` reads it.
        const file = Buffer.concat(
          encodeCheckpoint({ run: cfg.name, configSha256: '', round, driver: 'gossip', state: await capture() }),
        );
        captured = { round, state: decodeCheckpoint(file, 'test.ckpt').state, bytes: file.length };
      },
    },
    { footprint() {}, prepared() {} },
  );
  return { outcome, lines, boundaries, captured: captured as typeof captured };
}

/** Runs uninterrupted (capturing at round k), then resumes from the capture; both must end on the same bits. */
async function interruptAndResume(file: string, sets: readonly string[], k: number, rounds: number) {
  const whole = await drive(file, sets, { captureAt: k });
  expect(whole.boundaries).toEqual(Array.from({ length: rounds }, (_, t) => t));
  const saved = whole.captured;
  if (saved === null) throw new Error(`no capture at round ${k}`);
  const resumed = await drive(file, sets, { resume: { round: saved.round, state: saved.state } });
  expect(resumed.boundaries).toEqual(Array.from({ length: rounds - k - 1 }, (_, t) => k + 1 + t));
  expect(resumed.lines.map((l) => l.round)).toEqual(whole.lines.slice(k + 1).map((l) => l.round));
  return { whole, resumed, bytes: saved.bytes };
}

/** SHA-256 of a model's bytes, as `model_sha256` hashes them. */
const bits = (x: Float32Array) =>
  createHash('sha256')
    .update(Buffer.from(x.buffer, x.byteOffset, x.byteLength))
    .digest('hex');

const small = ['algorithm.rounds=10', 'eval.every=3'];

describe('gossip checkpoints: capture at round 4 of 10, resume, same final bits', () => {
  it('D-PSGD on a ring, inline', async () => {
    const { whole, resumed } = await interruptAndResume(
      'experiments/dpsgd-ring-16.yaml',
      [...small, 'runtime={kind: inline}', 'optimizer={kind: momentum, lr: 0.05, momentum: 0.9}'],
      4,
      10,
    );
    expect(whole.outcome.test.accuracy).toBeGreaterThan(0.3);
    expect(bits(resumed.outcome.model)).toBe(bits(whole.outcome.model));
    // the metrics after the boundary and the summary (bytes, links, last evaluation) match too
    expect(resumed.lines).toEqual(whole.lines.slice(5));
    expect(resumed.outcome.summary).toEqual(whole.outcome.summary);
    expect(resumed.outcome.bytes).toEqual(whole.outcome.bytes);
    expect(resumed.outcome.links).toEqual(whole.outcome.links);
  });

  it('CHOCO-SGD (compression-gossip.yaml, top-k 1%), inline', async () => {
    const { whole, resumed } = await interruptAndResume('experiments/compression-gossip.yaml', small, 4, 10);
    expect(bits(resumed.outcome.model)).toBe(bits(whole.outcome.model));
    expect(resumed.lines).toEqual(whole.lines.slice(5));
    expect(resumed.outcome.summary).toEqual(whole.outcome.summary);
  });
});
