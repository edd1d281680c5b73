import { describe, expect, it } from 'vitest';
import { contractionViolations, lambda2, links, runConsensus } from './gossip-helpers.js';

describe('average consensus over tcp loopback, 16 peers in 4 peer processes', () => {
  it.each(['ring', 'torus', 'exponential'])(
    'on a %s the consensus error shrinks at least by |λ₂|² every round',
    (kind) => {
      const { summary, lines, out } = runConsensus([
        `algorithm.topology.kind=${kind}`,
        'algorithm.rounds=30',
        'runtime={kind: processes, workers: 4, transport: tcp}',
      ]);
      const errors = lines.map((l) => l.consensus_error as number);
      expect(errors).toHaveLength(30);
      const lambda = lambda2(kind);
      expect(contractionViolations(errors, lambda)).toEqual([]);
      // and not vacuously: the error fell by at least what |λ₂| predicts over 29 rounds (or to float32 noise)
      expect(errors[29]).toBeLessThanOrEqual(errors[0] * lambda ** 58 * 1.001 + 1e-10);
      expect(errors[0]).toBeGreaterThan(1);
      expect(lines.every((l) => l.dropped_neighbours === 0 && l.participants === 16)).toBe(true);
      // every directed edge carried one message per round, counted at both ends
      const degree = { ring: 2, torus: 4, exponential: 7 }[kind] as number;
      expect(Object.keys(links(out))).toHaveLength(16 * degree);
      expect(summary.bytes_up).toBe(summary.bytes_down);
      expect(lines.every((l) => l.messages === 16 * degree)).toBe(true);
    },
  );
});
