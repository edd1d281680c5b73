import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTopology, mixingLambda2 } from '@starling/topologies';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';

/** |λ₂| of the Metropolis weights of a 16-node graph, from @starling/topologies. */
export function lambda2(kind: string, nodes = 16): number {
  const w = buildTopology({ kind, nodes }).mixing;
  if (!w) throw new Error(`${kind} is time-varying`);
  return mixingLambda2(w).lambda2;
}

/** Runs the shipped consensus experiment with overrides; returns its summary and metrics lines. */
export function runConsensus(sets: readonly string[]) {
  const out = join(tempDir(), 'run');
  const r = starling(
    ['run', 'experiments/consensus-ring-16.yaml', ...sets.flatMap((s) => ['--set', s]), '--out', out, '--json'],
    {
      STARLING_KERNELS: 'js',
    },
  );
  if (r.code !== 0) throw new Error(`starling run failed (${r.code}): ${r.stderr}`);
  return { summary: JSON.parse(r.stdout), lines: metrics(out), out };
}

/** The per-link byte totals of a finished run. */
export function links(out: string): Record<string, number> {
  return JSON.parse(readFileSync(join(out, 'links.json'), 'utf8')).links;
}

/**
 * Checks e_{t+1} ≤ |λ₂|² e_t for every round, with a relative float tolerance and an absolute floor
 * for float32 rounding once the error is tiny. Returns the rounds that broke it.
 */
export function contractionViolations(errors: readonly number[], lambda: number, floor = 1e-10): number[] {
  const bad: number[] = [];
  for (let t = 1; t < errors.length; t++) {
    if (errors[t] > lambda ** 2 * errors[t - 1] * (1 + 1e-4) + floor) bad.push(t);
  }
  return bad;
}

/** Parameters of the softmax model on {@link smallGossip}'s blobs: 20 inputs × 4 classes + 4 biases. */
export const SMALL_PARAMS = 20 * 4 + 4;

/**
 * `starling run` arguments for a shipped gossip config on small synthetic blobs (fast to load in every
 * process), one label shard per peer, 6 rounds, evaluated every 3.
 */
export function smallGossip(config: string): string[] {
  return [
    config,
    '--set',
    'data={kind: synthetic-blobs, n: 1600, d: 20, classes: 4}',
    '--set',
    'algorithm.partition={kind: shards, shardsPerClient: 1}',
    '--set',
    'algorithm.rounds=6',
    '--set',
    'eval.every=3',
  ];
}
