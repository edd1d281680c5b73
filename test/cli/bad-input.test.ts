import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from './cli-helpers.js';

const dir = tempDir();
const write = (name: string, text: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const valid = `name: bad
seed: 1
data: { kind: mnist }
model: { kind: softmax }
loss: { kind: softmax_ce }
optimizer: { kind: sgd, lr: 0.1 }
algorithm: { kind: centralized, rounds: 1 }
`;
const idxConfig = (images: string) =>
  valid.replace(
    'data: { kind: mnist }',
    `data: { kind: idx, trainImages: ${images}, trainLabels: ${images}, testImages: ${images}, testLabels: ${images} }`,
  );

// Each case: the CLI exits 2 with a message naming the problem and prints no stack trace.
const cases: [string, () => string[], RegExp][] = [
  ['malformed YAML', () => ['run', write('malformed.yaml', 'name: [oops\nseed: 1\n')], /malformed YAML at line/],
  [
    'an unknown model name',
    () => ['run', write('model.yaml', valid.replace('softmax }', 'resnet }'))],
    /model\.kind must be one of/,
  ],
  [
    'a negative learning rate',
    () => ['run', write('lr.yaml', valid.replace('lr: 0.1', 'lr: -0.5'))],
    /optimizer\.lr must be > 0, got -0\.5/,
  ],
  [
    'a data path that does not exist',
    () => ['run', write('missing.yaml', idxConfig(join(dir, 'nope.idx')))],
    /nope\.idx/,
  ],
  [
    'a corrupt IDX file',
    () => ['run', write('corrupt.yaml', idxConfig(write('corrupt.idx', new Uint8Array([1, 2, 3, 4, 5, 6, 7]))))],
    /corrupt\.idx/,
  ],
  ['an unknown key', () => ['run', write('key.yaml', `${valid}rounds: 3\n`)], /unknown key "rounds"/],
  ['a config file that does not exist', () => ['run', join(dir, 'absent.yaml')], /cannot read config/],
  ['an unknown command', () => ['fly'], /Unknown argument|Unknown command|Did you mean/i],
  ['a bad --set', () => ['run', write('ok.yaml', valid), '--set', 'novalue'], /--set expects path=value/],
  [
    // 784·3,000,000 + 3,000,000·10 parameters: 9.5 GB per model-sized vector, refused before any is allocated
    'a model that cannot fit in memory',
    () => [
      'run',
      write('huge.yaml', valid.replace('model: { kind: softmax }', 'model: { kind: mlp, hidden: [3000000] }')),
      '--out',
      join(dir, 'huge-run'),
    ],
    /needs about \d+ MB \(.*\) but \d+ MB are available.*--force/,
  ],
];

describe('bad input gets a clear error and exit code 2', () => {
  it.each(cases)('%s', (_name, args, message) => {
    const r = starling(args(), { STARLING_KERNELS: 'js' });
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
    expect(r.code).toBe(2);
  });

  it('a bad STARLING_V8_INTERRUPT_BUDGET, before any command runs', () => {
    const out = join(dir, 'bad-budget');
    const r = starling(['run', write('budget.yaml', valid), '--out', out], { STARLING_V8_INTERRUPT_BUDGET: 'fast' });
    expect(r.stderr).toMatch(/STARLING_V8_INTERRUPT_BUDGET must be a positive integer or "default", got "fast"/);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('a run refused before its first round leaves no run folder behind', () => {
    const out = join(dir, 'refused-run');
    const r = starling(['run', write('lr2.yaml', valid.replace('lr: 0.1', 'lr: -1')), '--out', out]);
    expect(r.code).toBe(2);
    const huge = join(dir, 'refused-huge');
    const m = starling([
      'run',
      write('huge2.yaml', valid.replace('model: { kind: softmax }', 'model: { kind: mlp, hidden: [3000000] }')),
      '--out',
      huge,
    ]);
    expect(m.stderr).toMatch(/needs about/);
    expect(m.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(huge)).toBe(false);
  });
});
