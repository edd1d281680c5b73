import { Rng } from '@starling/core';
import type { Participation } from '@starling/server';

/**
 * The node ids selected for each round of a parameter-server run without failures, drawn exactly as
 * `RoundMachine` draws them (packages/server/src/round-machine.ts, `open`): from
 * `Rng.fromSeed(seed).fork('server').fork('participants', round)` over every node, Poisson (each node
 * joins with probability `rate`, in id order) or a uniform sample of the fraction or count. The
 * explain tests compare these counts with real runs, so a change to the draw is caught.
 */
export function participantsPerRound(
  seed: number,
  nodes: number,
  participation: Participation,
  rounds: number,
): number[][] {
  const server = Rng.fromSeed(seed).fork('server');
  const pool = Array.from({ length: nodes }, (_, i) => i);
  const out: number[][] = [];
  for (let round = 0; round < rounds; round++) {
    const rng = server.fork('participants', round);
    if (participation.kind === 'poisson') {
      out.push(pool.filter(() => rng.uniform() < participation.rate));
      continue;
    }
    const want =
      participation.kind === 'fraction'
        ? Math.max(1, Math.round(participation.value * nodes))
        : Math.min(participation.value, nodes);
    out.push(Array.from(rng.sample(nodes, want), (i) => pool[i]).sort((a, b) => a - b));
  }
  return out;
}
