import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { smallFedAvg } from './e2e-helpers.js';

const runtimes = [
  ['inline', 'runtime={kind: inline}'],
  ['threads over tcp loopback', 'runtime={kind: threads, transport: tcp}'],
  ['threads over ipc', 'runtime={kind: threads, transport: ipc}'],
  ['2 worker processes over tcp', 'runtime={kind: processes, workers: 2, transport: tcp}'],
] as const;

describe('one protocol, every runtime', () => {
  it('FedAvg with 10 clients ends on the same model (bit for bit) in inline, threads and processes', () => {
    const results = runtimes.map(([name, runtime]) => {
      const out = join(tempDir(), 'run');
      const r = starling([
        'run',
        ...smallFedAvg,
        '--set',
        'algorithm.rounds=3',
        '--set',
        runtime,
        '--out',
        out,
        '--json',
      ]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      return { name, summary: JSON.parse(r.stdout), out };
    });
    const [inline, ...socketed] = results;
    expect(inline.summary.test_accuracy).toBeGreaterThan(0.5);
    for (const s of socketed) {
      expect(s.summary.model_sha256, s.name).toBe(inline.summary.model_sha256);
      expect(s.summary.test_accuracy, s.name).toBe(inline.summary.test_accuracy);
      // Real traffic was counted: each round ships the model down and 10 updates up. Worker processes on
      // one machine share a memfd with the server: each sends every Δ as a 12-byte shared-memory reference
      // (docs/protocol.md), so its socket carries 10 small update messages per round instead of 10 models.
      const params = 784 * 32 + 32 + 32 * 10 + 10;
      // A threads host goes further once it is welcomed: its updates (SharedLane.postUpdate) and its tasks
      // (SharedLane.deliver) skip the socket, so only round 0's model crosses it (it follows the welcome),
      // and upwards only the hello and the heartbeats, whose number follows the run's length.
      if (s.name.startsWith('threads')) {
        expect(s.summary.bytes_up, s.name).toBeGreaterThan(0);
        expect(s.summary.bytes_up, s.name).toBeLessThan(3 * 10 * 1000);
        expect(s.summary.bytes_down, s.name).toBeGreaterThan(params * 4);
        expect(s.summary.bytes_down, s.name).toBeLessThan(2 * params * 4);
      } else if (s.name.includes('processes')) {
        expect(s.summary.bytes_up, s.name).toBeGreaterThan(3 * 10 * 12);
        expect(s.summary.bytes_up, s.name).toBeLessThan(3 * 10 * 1000);
        // and the round's model is read in the slot: each task carries a 12-byte reference (docs/protocol.md)
        expect(s.summary.bytes_down, s.name).toBeLessThan(3 * params * 4);
      } else {
        expect(s.summary.bytes_up, s.name).toBeGreaterThan(3 * 10 * params * 4);
        expect(s.summary.bytes_down, s.name).toBeGreaterThan(3 * params * 4);
      }
      const links = JSON.parse(readFileSync(join(s.out, 'links.json'), 'utf8')).links;
      expect(Object.keys(links).length, s.name).toBeGreaterThanOrEqual(1);
    }
    // Payload bytes are the same everywhere: 3 rounds × 10 raw f32 updates up; inline counts its 10 nodes
    // as downlink recipients, a socket runtime its hosts. Inline's bytes_up/bytes_down are those payloads.
    const params = 784 * 32 + 32 + 32 * 10 + 10;
    for (const s of results) {
      expect(s.summary.payload_bytes_up, s.name).toBe(3 * 10 * 4 * params);
      expect(s.summary.theoretical_bits_up, s.name).toBe(3 * 10 * 32 * params);
    }
    expect(inline.summary.payload_bytes_down).toBe(3 * 10 * 4 * params);
    expect(inline.summary.bytes_up).toBe(inline.summary.payload_bytes_up);
    expect(inline.summary.bytes_down).toBe(inline.summary.payload_bytes_down);
  });
});
