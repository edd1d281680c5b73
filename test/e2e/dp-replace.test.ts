import { describe, expect, it } from 'vitest';
import { smallFedAvg } from './e2e-helpers.js';
import { inlineReference, killAndReplaceWorker } from './replace-helpers.js';

// A replacement worker host in a DP-FedAvg run (client-level DP, central Gaussian noise; McMahan et al.
// 2018): the privacy accounting lives with the server's round logic, so a host killed and replaced
// mid-run changes neither the model bits nor ε. The same for DP-SGD in every client, whose noise is
// drawn from each node's (seed, round) stream on whichever host trains it.

const ROUNDS = 12;
const modes = [
  ['DP-FedAvg (client-level DP)', 'privacy={mode: client, delta: 1.0e-5, clipNorm: 0.5, noiseMultiplier: 0.8}', 83],
  [
    'DP-SGD in every client',
    'privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: 1, noiseMultiplier: 1.1, sampleRate: 0.1}',
    84,
  ],
] as const;

describe.each(modes)('a replacement worker host with %s', (_name, privacy, port) => {
  it('ends on the undisturbed run’s model bits and ε', async () => {
    const args = [
      ...smallFedAvg,
      ...[`algorithm.rounds=${ROUNDS}`, 'eval.every=1000', privacy].flatMap((s) => ['--set', s]),
    ];
    const reference = inlineReference(args);
    expect(reference.epsilon).toBeGreaterThan(0);
    const r = await killAndReplaceWorker({
      port,
      args,
      first: ['--host-id', 'a'],
      second: ['--host-id', 'b'],
      after: 4,
    });
    expect(r.code, r.err).toBe(0);
    expect(r.log).toContain('host takes over the nodes of a lost host');
    expect(r.lines).toHaveLength(ROUNDS);
    expect(r.summary.epsilon).toBe(reference.epsilon);
    expect(r.summary.model_sha256).toBe(reference.model_sha256);
  }, 300_000);
});
