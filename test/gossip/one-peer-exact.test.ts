import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { runConsensus } from './gossip-helpers.js';

describe('one-peer exponential gossip, 16 peers as 16 processes over tcp loopback', () => {
  it('reaches the exact average of the starting vectors after log2(16) = 4 rounds', () => {
    const { lines, out } = runConsensus([
      'algorithm.topology={kind: one_peer_exponential}',
      'algorithm.rounds=5',
      'runtime={kind: processes, workers: 16, transport: tcp}',
    ]);
    const errors = lines.map((l) => l.consensus_error as number);
    expect(errors[2]).toBeGreaterThan(1e-2); // three rounds are not enough
    expect(errors[3]).toBeLessThan(1e-11); // the fourth lands on the average (float32 rounding only)
    expect(lines.every((l) => l.messages === 16)).toBe(true); // one message per peer and round

    // x̄ written as model.bin equals the mean of the 16 N(0, 1) starting vectors, computed here in float64
    const bin = readFileSync(join(out, 'model.bin'));
    const model = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
    expect(model.length).toBe(32);
    const mean = new Float64Array(32);
    for (let i = 0; i < 16; i++) {
      const x = new Float64Array(32);
      Rng.fromSeed(1).fork('consensus', i).fillNormal(x, 0, 1);
      for (let k = 0; k < 32; k++) mean[k] += x[k] / 16;
    }
    for (let k = 0; k < 32; k++) expect(Math.abs(model[k] - mean[k])).toBeLessThan(2e-6);
  });
});
