import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDir } from './run-dir.js';
import { RunStatusFile } from './run-status.js';

const fresh = () => new RunDir(join(mkdtempSync(join(tmpdir(), 'starling-rundir-')), 'run'));
const line = {
  round: 0,
  time_s: 0,
  train_loss: 1,
  test_loss: null,
  test_accuracy: null,
  bytes_up: 0,
  bytes_down: 0,
  epsilon: null,
};
// Linux's /dev/full answers every write with ENOSPC: a full disk under one file name.
const full = process.platform === 'linux' && existsSync('/dev/full');

describe('RunDir', () => {
  it('replaces JSON files whole and leaves no temp file', () => {
    const dir = fresh();
    dir.writeJson('meta.json', { a: 1 });
    dir.writeJson('meta.json', { a: 2 });
    expect(JSON.parse(readFileSync(dir.file('meta.json'), 'utf8'))).toEqual({ a: 2 });
    expect(readdirSync(dir.path)).toEqual(['meta.json']);
  });

  it.skipIf(!full)('turns ENOSPC on metrics.jsonl into an error naming the file and a full disk', () => {
    const dir = fresh();
    symlinkSync('/dev/full', dir.file('metrics.jsonl'));
    expect(() => dir.appendMetrics(line)).toThrow(
      expect.objectContaining({
        code: 'runtime',
        message: `cannot write ${dir.file('metrics.jsonl')}: disk full (ENOSPC)`,
      }),
    );
  });

  it.skipIf(!full)('removes a model.bin it could not write', () => {
    const dir = fresh();
    symlinkSync('/dev/full', dir.file('model.bin'));
    const layout = { size: 2, tensors: [{ name: 'w', shape: [2], offset: 0 }] };
    expect(() => dir.writeModel(new Float32Array(2), layout)).toThrow(/model\.bin: disk full \(ENOSPC\)/);
    expect(existsSync(dir.file('model.bin'))).toBe(false);
  });

  it.skipIf(!full)('reports a failed run.log write at the next check instead of crashing', () => {
    const dir = fresh();
    symlinkSync('/dev/full', dir.file('run.log'));
    const log = dir.logger('info', 'x');
    log.info('one line');
    expect(() => dir.checkWrites()).toThrow(/run\.log: disk full \(ENOSPC\)/);
  });
});

describe('RunStatusFile', () => {
  it('writes running with the last completed round at most once a second, and the end at once', () => {
    const dir = fresh();
    let now = 0;
    const status = new RunStatusFile(dir, { seed: 1 }, () => now);
    const meta = () => JSON.parse(readFileSync(dir.file('meta.json'), 'utf8'));
    status.update({});
    expect(meta()).toEqual({ seed: 1, status: 'running', reason: null, last_completed_round: -1 });
    now = 0.5;
    status.roundDone(0);
    expect(meta().last_completed_round).toBe(-1); // written 0.5 s ago
    now = 1.2;
    status.roundDone(1);
    expect(meta().last_completed_round).toBe(1);
    status.roundDone(2);
    status.end('interrupted', 'SIGINT: interrupted after round 2');
    expect(meta()).toEqual({
      seed: 1,
      status: 'interrupted',
      reason: 'SIGINT: interrupted after round 2',
      last_completed_round: 2,
    });
  });
});
