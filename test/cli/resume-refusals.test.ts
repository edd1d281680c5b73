import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from './cli-helpers.js';

describe('starling resume refuses what it cannot continue (exit 2)', () => {
  it('a completed run, another config, no checkpoint, no run folder', () => {
    const out = join(tempDir(), 'run');
    const run = starling(
      [
        'run',
        'experiments/quickstart.yaml',
        '--set',
        'algorithm.rounds=4',
        '--set',
        'checkpoint.every=2',
        '--out',
        out,
      ],
      { STARLING_KERNELS: 'js' },
    );
    expect(run.code, run.stderr).toBe(0);

    const completed = starling(['resume', out]);
    expect(completed.code).toBe(2);
    expect(completed.stderr).toMatch(/is a completed run \(summary\.json exists\)/);

    rmSync(join(out, 'summary.json'));
    const configFile = join(out, 'config.resolved.json');
    const config = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, config.replace('"seed": 1', '"seed": 2'));
    const changed = starling(['resume', out]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/round-000001\.ckpt was written under another config .*SHA-256 differs/);

    writeFileSync(configFile, config);
    rmSync(join(out, 'checkpoints'), { recursive: true });
    const none = starling(['resume', out]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/has no checkpoint to resume from/);

    const empty = starling(['resume', tempDir()]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/is not a run folder \(no config\.resolved\.json\)/);
  });
});
