import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';
import { SMALL_PARAMS, smallGossip } from './gossip-helpers.js';

const small = smallGossip('experiments/compression-gossip.yaml');
const PARAMS = SMALL_PARAMS;

function run(sets: readonly string[]) {
  const out = `${tempDir()}/run`;
  const r = starling(['run', ...small, ...sets.flatMap((s) => ['--set', s]), '--out', out, '--json'], {
    STARLING_KERNELS: 'js',
  });
  return { code: r.code, stderr: r.stderr, out, summary: r.code === 0 ? JSON.parse(r.stdout) : null };
}

const key = (lines: Record<string, unknown>[]) =>
  lines.map((l) => [l.train_loss, l.test_accuracy, l.consensus_error, l.payload_bytes, l.payload_bits_theoretical]);

describe('CHOCO-SGD gives the same models in memory and over sockets', () => {
  it('qsgd s=4 with γ = 0.5: inline, threads over ipc and 4 peer processes over tcp end on one model hash', () => {
    const sets = ['compression={gossip: {kind: qsgd, levels: 4}, gamma: 0.5}'];
    const runs = ['inline', 'threads, transport: ipc', 'processes, workers: 4, transport: tcp'].map((rt) =>
      run([...sets, `runtime={kind: ${rt}}`]),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const [inline, ...sockets] = runs;
    const lines = metrics(inline.out);
    expect(inline.summary.gossip_compression).toEqual({
      compressor: { kind: 'qsgd', levels: 4, errorFeedback: false },
      gamma: 0.5,
    });
    // qsgd s=4: 16 header bytes + 84 codes of 1 + ⌈log2 5⌉ = 4 bits = 42 bytes → 58 bytes per message
    expect(lines.map((l) => l.payload_bytes)).toEqual(lines.map(() => 16 * 2 * 58));
    expect(lines[0].payload_bits_theoretical).toBe(16 * 2 * (32 + 4 * PARAMS));
    expect(inline.summary.payload_bytes).toBe(6 * 16 * 2 * 58);
    // every message adds its header frame to the payload: well under the 4·84 bytes of a raw message
    expect(inline.summary.bytes_up).toBeGreaterThan(inline.summary.payload_bytes);
    expect(inline.summary.bytes_up).toBeLessThan(6 * 16 * 2 * PARAMS * 4);
    for (const s of sockets) {
      expect(s.summary.model_sha256).toBe(inline.summary.model_sha256);
      expect(key(metrics(s.out))).toEqual(key(lines));
      expect(s.summary.payload_bytes).toBe(inline.summary.payload_bytes);
      expect(Math.abs(s.summary.bytes_up - inline.summary.bytes_up)).toBeLessThan(0.05 * inline.summary.bytes_up);
    }
    expect(lines.every((l) => l.refused_payloads === 0 && l.dropped_neighbours === 0)).toBe(true);
    // CHOCO changes the algorithm: plain gossip ends elsewhere
    const plain = run(['compression={}', 'runtime={kind: inline}']);
    expect(plain.summary.model_sha256).not.toBe(inline.summary.model_sha256);
  });

  it.each([
    ['without gamma', ['compression={gossip: {kind: sign}}'], /compression.gamma must be set with compression.gossip/],
    [
      'on a time-varying schedule',
      ['algorithm.topology={kind: one_peer_exponential}'],
      /algorithm.topology.kind must be a static topology with compression.gossip/,
    ],
    ['with an uplink compressor', ['compression.up={kind: fp16}'], /compression.up must be absent/],
    [
      'with error feedback on the gossip compressor',
      ['compression.gossip={kind: topk, ratio: 0.1, errorFeedback: true}'],
      /compression.gossip.errorFeedback must be false with CHOCO/,
    ],
  ])('refuses to start %s (exit 2)', (_, sets, message) => {
    const r = run(sets);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
