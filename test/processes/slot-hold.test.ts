import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg } from '../e2e/e2e-helpers.js';

const bin = join(repo, 'packages/cli/bin/starling.js');

/** The size of process `pid`'s round slots memfd (`/memfd:starling-rounds`), or null while it has none. */
function memfdSize(pid: number): number | null {
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const path = `/proc/${pid}/fd/${fd}`;
      if (readlinkSync(path).startsWith('/memfd:starling-rounds')) return statSync(path).size;
    }
  } catch {
    // the process is gone, or an fd closed between the listing and the read
  }
  return null;
}

describe('processes: the round slots', () => {
  // Each worker answers its share with one `updates` message. Had it kept its hold on the slot until that
  // message was sent, the server could close the round and open the next one before the hold was given
  // back, and every round would take another slot: the memfd grows (up to 4 slots), and the pool threads
  // fault in fresh pages for each.
  it('consecutive rounds reuse one slot: the memfd never grows past its first size', async () => {
    const out = join(tempDir(), 'run');
    const args = [bin, 'run', ...smallFedAvg, '--set', 'algorithm.rounds=40', '--set', 'eval.every=1000'];
    args.push('--set', 'runtime={kind: processes, workers: 2}', '--out', out, '--kernels', 'native');
    const cli = spawn(process.execPath, args, { cwd: repo, stdio: 'ignore' });
    const exit = new Promise<number | null>((r) => cli.on('exit', r));
    const sizes = new Set<number>();
    let running = true;
    void exit.then(() => (running = false));
    while (running) {
      const size = memfdSize(cli.pid ?? -1);
      if (size) sizes.add(size); // 0 until the first slot is opened
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await exit).toBe(0);
    expect(metrics(out)).toHaveLength(40);
    expect(sizes.size, `memfd sizes seen: ${[...sizes].join(', ')}`).toBe(1);
  }, 300_000);
});
