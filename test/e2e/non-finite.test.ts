import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg } from './e2e-helpers.js';

// lr = 1e38 sends the first step's weights past float32's range: every node's update is NaN/Inf.
const CAUSE = /likely cause: the learning rate is too high \(optimizer\.lr = 1e\+38; try 10× lower\)/i;

function failedMeta(out: string) {
  return JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
}

describe('training that goes non-finite fails the run loudly (lr = 1e38)', () => {
  it.each([
    ['inline', '{kind: inline}'],
    ['threads', '{kind: threads}'],
    ['processes', '{kind: processes, workers: 2}'],
  ])('FedAvg, %s: every node fails non-finite, the run stops after maxFailedRounds with exit 1', (_n, runtime) => {
    const out = join(tempDir(), 'run');
    const r = starling([
      'run',
      ...smallFedAvg,
      '--set',
      'optimizer.lr=1e38',
      '--set',
      'algorithm.rounds=20',
      '--set',
      `runtime=${runtime}`,
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.stderr).toMatch(
      /3 consecutive rounds aggregated nothing \(rounds 0-2\); in round 2 10 of 10 selected nodes failed \(non-finite ×10\)/,
    );
    expect(r.stderr).toMatch(CAUSE);
    expect(r.code).toBe(1);
    const lines = metrics(out);
    expect(lines.map((l) => [l.round, l.aggregated, l.failures, l.failure_reasons])).toEqual(
      [0, 1, 2].map((round) => [round, false, 10, { 'non-finite': 10 }]),
    );
    expect(failedMeta(out)).toMatchObject({
      status: 'failed',
      last_completed_round: 2,
      reason: expect.stringMatching(CAUSE),
    });
  });

  it('algorithm.maxFailedRounds sets how many such rounds a run tolerates', () => {
    const out = join(tempDir(), 'run');
    const r = starling([
      'run',
      'experiments/quickstart.yaml',
      '--set',
      'optimizer.lr=1e38',
      '--set',
      'algorithm.maxFailedRounds=1',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(
      /1 consecutive round aggregated nothing \(round 0\); in round 0 1 of 1 selected nodes failed \(non-finite ×1\)/,
    );
    expect(r.code).toBe(1);
    expect(metrics(out)).toHaveLength(1);
  });

  it.each([
    ['inline', '{kind: inline}'],
    ['processes', '{kind: processes, workers: 2}'],
  ])('D-PSGD, %s: a peer gone non-finite stops the run with exit 1', (_n, runtime) => {
    const out = join(tempDir(), 'run');
    const r = starling([
      'run',
      'experiments/dpsgd-ring-16.yaml',
      '--set',
      'algorithm.peers=4',
      '--set',
      'algorithm.rounds=20',
      '--set',
      'optimizer.lr=1e38',
      '--set',
      `runtime=${runtime}`,
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.stderr).toMatch(/run stopped: peer \d+ went non-finite in round 0: (update\[\d+\]|training loss) is/);
    expect(r.stderr).toMatch(CAUSE);
    expect(r.code).toBe(1);
    expect(failedMeta(out)).toMatchObject({ status: 'failed', last_completed_round: -1 });
  });
});
