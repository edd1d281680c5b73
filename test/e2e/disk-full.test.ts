import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { childPids, metrics, smallFedAvg, startStarling, waitFor } from './e2e-helpers.js';

/** A small tmpfs: a real full disk. Mounting needs root; without it these tests are skipped. */
function mountTmpfs(kb: number): string | null {
  const at = join(tempDir('starling-full-'), 'disk');
  mkdirSync(at);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', at], { stdio: 'ignore' });
    return at;
  } catch {
    return null;
  }
}

const mounted: string[] = [];
const probe = mountTmpfs(64);
if (probe) mounted.push(probe);
afterAll(() => {
  for (const at of mounted) execFileSync('umount', ['-l', at], { stdio: 'ignore' });
});

/** Writes to `dir` until the disk is full. */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(probe === null)('a full disk stops the run with a clear error', () => {
  it('processes: the disk fills mid-run; exit 1 naming the file, the hosts are told bye and exit', async () => {
    const disk = mountTmpfs(1024) as string;
    mounted.push(disk);
    const out = join(disk, 'run');
    const run = startStarling([
      'run',
      ...smallFedAvg,
      '--set',
      'algorithm.rounds=100000',
      '--set',
      'runtime={kind: processes, workers: 2}',
      '--out',
      out,
      '--quiet',
      '--log-level',
      'error',
    ]);
    await waitFor(() => metrics(out).length >= 2, 90_000, 'two rounds');
    const hosts = childPids(run.child.pid as number);
    expect(hosts).toHaveLength(2);
    fill(disk);
    const t0 = performance.now();
    expect(await run.exit).toBe(1);
    expect(performance.now() - t0).toBeLessThan(30_000);
    // whichever write the full disk refuses first: a metrics line, meta.json, or the checkpoint every 10 rounds
    expect(run.err()).toMatch(
      /cannot write \S+\/run\/(metrics\.jsonl|meta\.json): disk full \(ENOSPC\)|could not write the checkpoint of round \d+ in \S+\/run\/checkpoints: disk full \(ENOSPC\)/,
    );
    expect(run.err()).not.toMatch(/\n\s+at /); // a message, not a crash
    for (const pid of hosts) expect(() => process.kill(pid, 0)).toThrow(); // gone
    // The disk is still full: meta.json's temp file finds no room, so it is overwritten in place.
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ status: 'failed', reason: expect.stringMatching(/disk full \(ENOSPC\)/) });
    expect(meta.last_completed_round).toBeGreaterThanOrEqual(1);
  });

  it('inline: no room for model.bin; exit 1 naming it, no half model left, meta.json says failed', async () => {
    const disk = mountTmpfs(512) as string; // the 784-200-200-10 model is 797 KB
    mounted.push(disk);
    const out = join(disk, 'run');
    const run = startStarling([
      'run',
      'experiments/fedavg-mnist-iid.yaml',
      '--set',
      'algorithm.rounds=2',
      '--out',
      out,
      '--quiet',
    ]);
    expect(await run.exit).toBe(1);
    expect(run.err()).toMatch(/cannot write \S+\/run\/model\.bin: disk full \(ENOSPC\)/);
    expect(metrics(out)).toHaveLength(2);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({
      status: 'failed',
      last_completed_round: 1,
      reason: expect.stringMatching(/model\.bin: disk full/),
    });
    expect(() => readFileSync(join(out, 'model.bin'))).toThrow();
  });
});
