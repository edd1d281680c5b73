import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'starling-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const base = `name: t
seed: 1
data: { kind: mnist }
model: { kind: softmax }
loss: { kind: softmax_ce }
optimizer: { kind: sgd, lr: 0.1 }
algorithm: { kind: centralized, rounds: 2 }
`;

describe('loadConfig', () => {
  it('fills defaults and applies --set overrides of any key', () => {
    const cfg = loadConfig(file('ok.yaml', base), ['algorithm.rounds=5', 'optimizer.lr=0.05'], 9);
    expect(cfg.algorithm).toMatchObject({ kind: 'centralized', rounds: 5, batchSize: 32 });
    expect(cfg.optimizer).toMatchObject({ lr: 0.05, weightDecay: 0 });
    expect(cfg.seed).toBe(9);
    expect(cfg.runtime).toEqual({ kind: 'inline' });
  });

  it('names path, expectation and value for a negative learning rate', () => {
    expect(() => loadConfig(file('neg.yaml', base), ['optimizer.lr=-1'])).toThrow(/optimizer\.lr must be > 0, got -1/);
  });

  it('lists the known kinds for an unknown model', () => {
    expect(() => loadConfig(file('m.yaml', base), ['model.kind=resnet'])).toThrow(
      /model\.kind must be one of linear, logistic, softmax, mlp, sequential, cnn-fedavg, got "resnet"/,
    );
  });

  it('rejects unknown keys', () => {
    expect(() => loadConfig(file('u.yaml', `${base}extra: 1\n`))).toThrow(/the config has unknown key "extra"/);
    expect(() => loadConfig(file('u2.yaml', base), ['optimizer.lrr=1'])).toThrow(
      /optimizer\.lrr must be absent \(the sgd optimizer takes kind, lr, weightDecay, clipNorm, schedule\), got 1/,
    );
  });

  it('reports malformed YAML with its line', () => {
    expect(() => loadConfig(file('bad.yaml', 'name: [unclosed\nseed: 1\n'))).toThrow(/malformed YAML at line \d+/);
  });

  it('reports a missing file as a usage error', () => {
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(/cannot read config .*nope\.yaml: no such file/);
  });

  it('blames a bad --set value on the flag, and the file for its own problems', () => {
    expect(() => loadConfig(file('f.yaml', base), ['algorithm.rounds=abc'])).toThrow(
      /^invalid command-line flags:\n {2}--set algorithm\.rounds=abc: algorithm\.rounds must be a number, got "abc"$/,
    );
    expect(() => loadConfig(file('f2.yaml', `${base}extra: 1\n`), ['algorithm.rounds=abc'])).toThrow(
      /invalid .*f2\.yaml \(with its flags\):\n {2}--set algorithm\.rounds=abc: .*\n {2}the config has unknown key "extra"/,
    );
  });

  it('--set runtime.kind=... keeps the keys the new kind accepts and drops the others', () => {
    const f = file('rt.yaml', `${base}runtime: { kind: processes, workers: 4, transport: ipc }\n`);
    expect(loadConfig(f, ['runtime.kind=inline']).runtime).toEqual({ kind: 'inline' });
    expect(loadConfig(f, ['runtime.kind=threads']).runtime).toMatchObject({ kind: 'threads', transport: 'ipc' });
    // Without a kind switch an unknown key is still refused, and blamed on its flag.
    expect(() => loadConfig(f, ['runtime.workerz=3'])).toThrow(/--set runtime\.workerz=3: runtime has unknown key/);
  });
});

describe('loadConfig on a sweep file', () => {
  it('refuses it as a usage error that points to starling sweep', () => {
    const file = new URL('../../../../experiments/dp-fedavg.sweep.yaml', import.meta.url).pathname;
    expect(() => loadConfig(file)).toThrow(
      expect.objectContaining({ code: 'usage', message: expect.stringMatching(/is a sweep file .*starling sweep/) }),
    );
  });
});
