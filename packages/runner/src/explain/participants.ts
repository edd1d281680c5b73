import { drawParticipants, Rng } from '@starling/core';
import type { Participation } from '@starling/server';

/**
 * The node ids selected for each round of a parameter-server run without failures, drawn by `drawParticipants`, as
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
  for (let round = 0; round < rounds; round++)
    out.push(drawParticipants(pool, participation, server.fork('participants', round)));
  return out;
}
