import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load.js';
import { checkpointName } from './checkpoint-store.js';
import { Checkpointing, configSha256, RunInterrupted } from './checkpointing.js';

const config = (checkpoint: { every?: number; keep?: number }) =>
  validateConfig(
    {
      name: 'ck',
      data: { kind: 'mnist' },
      model: { kind: 'softmax' },
      loss: { kind: 'softmax_ce' },
      optimizer: { kind: 'sgd', lr: 0.1 },
      algorithm: { kind: 'fedavg', rounds: 10, clients: 4 },
      checkpoint,
    },
    'test config',
  );

function pipeline(checkpoint: { every?: number; keep?: number }) {
  const runPath = mkdtempSync(join(tmpdir(), 'starling-ck-'));
  const cfg = config(checkpoint);
  const ck = new Checkpointing({ cfg, runPath, driver: 'federated', log: pino({ level: 'silent' }), meta: {} });
  ck.planned(10);
  const captured: number[] = [];
  const capture = (round: number) => () => {
    captured.push(round);
    return { round, model: Float32Array.of(round, 0.5) };
  };
  return { ck, cfg, captured, capture, dir: join(runPath, 'checkpoints') };
}

describe('Checkpointing', () => {
  it('captures and writes after every `every`-th round but the last, keeping the newest `keep`', async () => {
    const { ck, cfg, captured, capture, dir } = pipeline({ every: 3, keep: 2 });
    for (let r = 0; r < 10; r++) await ck.boundary(r, capture(r));
    expect(captured).toEqual([2, 5, 8]);
    expect(readdirSync(dir).sort()).toEqual([checkpointName(5), checkpointName(8)]);
    const latest = ck.store.latest()!;
    expect(latest.body).toMatchObject({ run: 'ck', round: 8, driver: 'federated', configSha256: configSha256(cfg) });
    expect(latest.body.state).toEqual({ round: 8, model: Float32Array.of(8, 0.5) });
    expect(ck.lastWrite).toMatchObject({ round: 8 });
  });

  it('every: 0 writes nothing until interrupt(), then one checkpoint and RunInterrupted', async () => {
    const { ck, captured, capture, dir } = pipeline({ every: 0 });
    for (let r = 0; r < 4; r++) await ck.boundary(r, capture(r));
    expect(captured).toEqual([]);
    ck.interrupt();
    const stop = ck.boundary(4, capture(4));
    await expect(stop).rejects.toBeInstanceOf(RunInterrupted);
    await expect(stop).rejects.toMatchObject({
      round: 4,
      checkpoint: join(dir, checkpointName(4)),
      code: 'interrupted',
    });
    expect(readdirSync(dir)).toEqual([checkpointName(4)]);
  });

  it('an interrupt at the last round writes nothing: the run completes', async () => {
    const { ck, captured, capture } = pipeline({ every: 5 });
    ck.interrupt();
    await ck.boundary(9, capture(9));
    expect(captured).toEqual([]);
  });

  it('a failed write (no space) fails the run and leaves the earlier checkpoint intact', async () => {
    const { ck, capture, dir } = pipeline({ every: 1, keep: 2 });
    await ck.boundary(0, capture(0));
    symlinkSync('/dev/full', join(dir, `.${checkpointName(1)}.tmp`));
    await expect(ck.boundary(1, capture(1))).rejects.toThrow(
      /could not write the checkpoint of round 1 in \S+: disk full \(ENOSPC\); earlier checkpoints are intact/,
    );
    expect(ck.store.latest()!.body.round).toBe(0);
  });
});
