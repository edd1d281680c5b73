import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, waitFor } from '../e2e/e2e-helpers.js';
import { hostPid } from '../e2e/relaunch-helpers.js';

// D-PSGD over the `processes` runtime, 4 peer processes on a ring: kill -9 of host-2 mid-run. The
// supervisor (runtime.restarts) starts it again with its own id; the coordinator takes it back as a
// replacement of its own peer (from the newest checkpoint), and every peer reports again. The replaced
// peer is not bit-reproducible (docs/runtimes.md, "A replacement gossip host after the start").

describe('a gossip peer process relaunched by the processes runtime', () => {
  it('kill -9 of one of 4 peer processes: relaunched, back in the run, the run completes', async () => {
    const rounds = 300;
    const out = join(tempDir(), 'run');
    const sets = [
      'algorithm.peers=4',
      `algorithm.rounds=${rounds}`,
      'eval.every=10',
      'checkpoint.every=10',
      'runtime={kind: processes, workers: 4}',
    ];
    const run = startStarling([
      'run',
      'experiments/dpsgd-ring-16.yaml',
      ...sets.flatMap((s) => ['--set', s]),
      '--out',
      out,
      '--json',
      '--quiet',
    ]);
    await waitFor(() => metrics(out).length >= 12, 180_000, '12 rounds');
    const pid = hostPid(run.child.pid!, 'host-2');
    expect(pid, 'host process host-2').not.toBeNull();
    process.kill(pid!, 'SIGKILL');
    expect(await run.exit, run.err()).toBe(0);
    const summary = JSON.parse(run.out());
    expect(summary).toMatchObject({ rounds, host_relaunches: 1, peers_lost: 1, peers_back: 1 });
    const lines = metrics(out);
    expect(lines).toHaveLength(rounds);
    const backAt = lines.findIndex((l) => l.peers_back === 1);
    expect(backAt).toBeGreaterThan(0);
    expect(lines.slice(backAt).every((l) => l.participants === 4 && l.failures === 0)).toBe(true);
    const log = readFileSync(join(out, 'run.log'), 'utf8');
    expect(log).toMatch(/host process died \(signal SIGKILL\); relaunching it/);
    expect(log).toContain('host process relaunched');
    expect(log).toContain('replacement gossip host admitted');
  }, 300_000);
});
