import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg } from './e2e-helpers.js';

const runtimes = [
  ['inline', 'runtime={kind: inline}'],
  ['threads over tcp', 'runtime={kind: threads, transport: tcp}'],
  ['2 worker processes over ipc', 'runtime={kind: processes, workers: 2, transport: ipc}'],
] as const;

const PARAMS = 784 * 32 + 32 + 32 * 10 + 10; // the small FedAvg MLP
const UPDATES = 3 * 10; // 3 rounds, 10 clients each

function runAll(set: readonly string[]) {
  return runtimes.map(([name, runtime]) => {
    const out = join(tempDir(), 'run');
    const sets = [...set, 'algorithm.rounds=3', runtime].flatMap((s) => ['--set', s]);
    const r = starling(['run', ...smallFedAvg, ...sets, '--out', out, '--json'], { STARLING_KERNELS: 'js' });
    expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    return { name, summary: JSON.parse(r.stdout), lines: metrics(out) };
  });
}

function expectSameModel(results: ReturnType<typeof runAll>) {
  const [inline, ...socketed] = results;
  expect(inline.summary.test_accuracy).toBeGreaterThan(0.3);
  for (const s of socketed) {
    expect(s.summary.model_sha256, s.name).toBe(inline.summary.model_sha256);
    expect(s.summary.payload_bytes_up, s.name).toBe(inline.summary.payload_bytes_up);
    expect(s.summary.theoretical_bits_up, s.name).toBe(inline.summary.theoretical_bits_up);
    // The socket counts the payloads plus message headers; inline counts the payloads alone.
    expect(s.summary.bytes_up, s.name).toBeGreaterThan(s.summary.payload_bytes_up);
  }
  expect(inline.summary.bytes_up).toBe(inline.summary.payload_bytes_up);
  for (const r of results) {
    const sum = (k: string) => r.lines.reduce((a, l) => a + (l[k] as number), 0);
    expect(sum('payload_bytes_up'), r.name).toBe(r.summary.payload_bytes_up);
    expect(sum('payload_bytes_down'), r.name).toBe(r.summary.payload_bytes_down);
    expect(sum('theoretical_bits_up'), r.name).toBe(r.summary.theoretical_bits_up);
  }
}

describe('compressed parameter-server runs give the same model in every runtime', () => {
  it('top-k 1% with error feedback up, QSGD deltas down', () => {
    const results = runAll([
      'compression.up={kind: topk, ratio: 0.01, errorFeedback: true}',
      'compression.down={kind: qsgd, levels: 16}',
    ]);
    expectSameModel(results);
    // Each update: 8-byte header, u32 k, k f32 values, k varint gaps (1..5 bytes each).
    const k = Math.round(0.01 * PARAMS);
    const perUpdate = results[0].summary.payload_bytes_up / UPDATES;
    expect(perUpdate).toBeGreaterThanOrEqual(12 + 5 * k);
    expect(perUpdate).toBeLessThanOrEqual(12 + 9 * k);
    // Theoretical bits: 32k + ⌈log2 C(d, k)⌉; the varints spend a little more than the bound.
    const bits = results[0].summary.theoretical_bits_up;
    expect(bits / UPDATES).toBeGreaterThan(32 * k);
    expect(8 * results[0].summary.payload_bytes_up).toBeGreaterThan(bits + UPDATES * 96);
    expect(8 * results[0].summary.payload_bytes_up).toBeLessThan(1.1 * (bits + UPDATES * 96));
    // Downlink to a threads host: the raw model once, then 2 QSGD deltas (w = 1 + ⌈log2 17⌉ = 6 bits).
    const qsgdBytes = 16 + Math.ceil((PARAMS * 6) / 8);
    expect(results[1].summary.payload_bytes_down).toBe(4 * PARAMS + 2 * qsgdBytes);
  });

  it('QSGD s=4 up: payload and theoretical bits follow the closed form exactly', () => {
    const results = runAll(['compression.up={kind: qsgd, levels: 4}']);
    expectSameModel(results);
    // w = 1 + ⌈log2(4 + 1)⌉ = 4 bits per entry, 16 fixed bytes, padding to a whole byte.
    const perUpdate = 16 + Math.ceil((PARAMS * 4) / 8);
    expect(results[0].summary.payload_bytes_up).toBe(UPDATES * perUpdate);
    expect(results[0].summary.theoretical_bits_up).toBe(UPDATES * (32 + 4 * PARAMS));
    // No downlink compression: inline counts the raw model once per node and round.
    expect(results[0].summary.payload_bytes_down).toBe(UPDATES * 4 * PARAMS);
  });

  it('sign with error feedback up, the model itself sent as fp16 down', () => {
    const results = runAll([
      'compression.up={kind: sign, errorFeedback: true}',
      'compression.down={kind: fp16}',
      'compression.downOf=model',
    ]);
    expectSameModel(results);
    expect(results[0].summary.payload_bytes_up).toBe(UPDATES * (12 + Math.ceil(PARAMS / 8)));
    expect(results[0].summary.payload_bytes_down).toBe(UPDATES * (8 + 2 * PARAMS));
    expect(results[1].summary.payload_bytes_down).toBe(3 * (8 + 2 * PARAMS));
  });
});
