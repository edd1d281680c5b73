import { drawParticipants, jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { RoundMachine } from './round-machine.js';
import type { Participation, RoundPlan, ServerCommand } from './round-types.js';
import { ServerOptimizer } from './server-optimizer.js';

const nodes = Array.from({ length: 30 }, (_, i) => i);

/** The participants the round machine dispatches in rounds 0..rounds−1 (every node answers at once). */
function machineDraws(participation: Participation, rounds: number, seed: number): number[][] {
  const plan: RoundPlan = { rounds, participation, minCompletion: 0.01, deadlineMs: null, maxClientWeight: 1 };
  const rng = Rng.fromSeed(seed).fork('server');
  const m = new RoundMachine(new Float32Array(1), nodes, plan, new ServerOptimizer({ kind: 'plain' }), jsKernels, rng);
  const out: number[][] = [];
  const queue: ServerCommand[] = m.handle({ type: 'start' });
  while (queue.length > 0) {
    const c = queue.shift();
    if (c?.type !== 'dispatch') continue;
    out.push([...c.nodes]);
    for (const node of c.nodes) {
      const delta = Float32Array.of(0);
      queue.push(...m.handle({ type: 'update', round: c.round, node, samples: 1, trainLoss: 0, delta }));
    }
  }
  return out;
}

describe('drawParticipants (what a Byzantine node recomputes)', () => {
  it.each<Participation>([
    { kind: 'fraction', value: 0.3 },
    { kind: 'count', value: 7 },
    { kind: 'poisson', rate: 0.25 },
  ])('equals the round machine’s draw in every round (%o)', (p) => {
    const seed = 42;
    const rounds = 6;
    const drawn = Array.from({ length: rounds }, (_, round) =>
      drawParticipants(nodes, p, Rng.fromSeed(seed).fork('server').fork('participants', round)),
    );
    expect(drawn).toEqual(machineDraws(p, rounds, seed));
    expect(new Set(drawn.map((d) => d.join())).size).toBeGreaterThan(1);
  });
});
