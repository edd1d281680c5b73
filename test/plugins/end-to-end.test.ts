import { join } from 'node:path';
import { runExperiment } from '@starling/runner';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
// Each import registers one plug-in from one file: nothing else in Starling names them.
import './int8-compressor.js';
import './circulant-family.js';
import './unweighted-mean.js';

const base = {
  seed: 5,
  data: { kind: 'mnist', limit: 2000, testFraction: 0.2 },
  model: { kind: 'softmax' },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.1 },
  kernels: 'js',
};
const fedavg = { kind: 'fedavg', rounds: 4, clients: 8, fraction: 1, batchSize: 20, partition: { kind: 'iid' } };
const run = (name: string, extra: Record<string, unknown>) =>
  runExperiment({ name, ...base, ...extra }, { out: join(tempDir(), name), logLevel: 'silent' });

describe('plug-ins registered from one file each run end to end', () => {
  it('an int8 uplink with an unweighted-mean aggregator trains FedAvg; on equal shards it is the weighted mean, bit for bit', async () => {
    const plugged = await run('plugged', {
      algorithm: { ...fedavg, aggregator: { kind: 'unweighted-mean' } },
      compression: { up: { kind: 'int8', bits: 8 } },
    });
    const builtin = await run('builtin', {
      algorithm: { ...fedavg, aggregator: { kind: 'mean' } },
      compression: { up: { kind: 'int8', bits: 8 } },
    });
    // 1,600 training digits over 8 IID clients: 200 each, so both aggregators weight every update 1/8.
    expect(plugged.model_sha256).toBe(builtin.model_sha256);
    expect(plugged.test_accuracy).toBeGreaterThan(0.75);
    // Every update went through the int8 encoder: header + σ + bits + one byte per parameter (7,850).
    const perUpdate = (plugged.payload_bytes_up as number) / (4 * 8);
    expect(perUpdate).toBeGreaterThan(7850);
    expect(perUpdate).toBeLessThan(7850 + 64);
    // A plain float32 uplink would differ from int8's quantized one.
    const raw = await run('raw', { algorithm: { ...fedavg, aggregator: { kind: 'unweighted-mean' } } });
    expect(raw.model_sha256).not.toBe(plugged.model_sha256);
  }, 120_000);

  it('D-PSGD runs on the circulant graph family, and an unknown kind is refused with the full path', async () => {
    const r = await run('circulant', {
      algorithm: {
        kind: 'dpsgd',
        rounds: 30,
        peers: 8,
        localSteps: 2,
        batchSize: 16,
        topology: { kind: 'circulant', offsets: [1, 3] },
      },
      eval: { every: 10 },
    });
    expect(r.rounds).toBe(30);
    expect(r.test_accuracy).toBeGreaterThan(0.7);
    expect(r.consensus_error).toBeLessThan(1e-2);
    await expect(run('bad', { algorithm: { ...fedavg, aggregator: { kind: 'medoid' } } })).rejects.toThrow(
      /algorithm\.aggregator\.kind must be one of mean, median, .*, norm_bound, unweighted-mean, got "medoid"/,
    );
  }, 120_000);
});
