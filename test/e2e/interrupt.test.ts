import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, tempDir } from '../cli/cli-helpers.js';
import {
  alive,
  childPids,
  metrics,
  smallFedAvg,
  startCluster,
  startStarling,
  testPort,
  waitFor,
} from './e2e-helpers.js';

const bin = join(repo, 'packages/cli/bin/starling.js');

const longRun = (runtime: string, out: string) => [
  'run',
  ...smallFedAvg,
  '--set',
  'algorithm.rounds=100000',
  '--set',
  `runtime=${runtime}`,
  '--out',
  out,
  '--quiet',
];

/** What an interrupted run leaves: meta.json says so at its last recorded round, and no summary. */
function expectInterrupted(out: string, signal: string) {
  const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
  const rounds = metrics(out).map((l) => l.round);
  expect(rounds.length).toBeGreaterThanOrEqual(3);
  expect(rounds).toEqual(rounds.map((_, i) => i)); // every round from 0, none lost or half-written
  expect(meta).toMatchObject({ status: 'interrupted', last_completed_round: rounds.at(-1) });
  expect(meta.reason).toMatch(new RegExp(`^${signal}: interrupted (after|while) round \\d+`));
  expect(existsSync(join(out, 'summary.json'))).toBe(false);
  expect(existsSync(join(out, 'model.bin'))).toBe(false);
}

describe('an interrupted run stops promptly, exits 130 and says so in meta.json', () => {
  it.each([
    ['inline', '{kind: inline}', 'SIGINT'],
    ['threads', '{kind: threads}', 'SIGTERM'],
    ['processes', '{kind: processes, workers: 2}', 'SIGINT'],
  ] as const)('%s, %s to the run process', async (_name, runtime, signal) => {
    const out = join(tempDir(), 'run');
    const run = startStarling(longRun(runtime, out));
    await waitFor(() => metrics(out).length >= 3, 90_000, 'three rounds');
    const children = childPids(run.child.pid as number);
    run.child.kill(signal);
    const t0 = performance.now();
    expect(await run.exit).toBe(130);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(run.err()).toMatch(/interrupted/);
    expectInterrupted(out, signal);
    for (const pid of children) expect(alive(pid)).toBe(false);
  });

  it('processes, Ctrl-C to the whole process group as a terminal sends it: the hosts leave with the run', async () => {
    const out = join(tempDir(), 'run');
    // detached: its own process group, like a foreground job in a terminal
    const child = spawn(process.execPath, [bin, ...longRun('{kind: processes, workers: 2}', out)], {
      cwd: repo,
      env: { ...process.env, STARLING_KERNELS: 'js' },
      detached: true,
      stdio: 'ignore',
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => metrics(out).length >= 3, 90_000, 'three rounds');
    const children = childPids(child.pid as number);
    expect(children).toHaveLength(2);
    process.kill(-(child.pid as number), 'SIGINT');
    expect(await exit).toBe(130);
    expectInterrupted(out, 'SIGINT');
    for (const pid of children) expect(alive(pid)).toBe(false);
  });
});

describe('hosts and servers exit 130 on SIGINT and SIGTERM', () => {
  it.each([
    ['worker', 'SIGINT'],
    ['peer', 'SIGTERM'],
  ] as const)('starling %s waiting for its server, %s', async (kind, signal) => {
    const host = startStarling([
      kind,
      '--connect',
      `tcp://127.0.0.1:${testPort(71)}`,
      '--threads',
      '1',
      '--log-level',
      'info',
      ...(kind === 'peer' ? ['--bind', 'tcp://127.0.0.1:*'] : []),
    ]);
    await waitFor(() => host.err().includes('host started'), 60_000, 'the host to start');
    host.child.kill(signal);
    expect(await host.exit).toBe(130);
    expect(host.err()).toMatch(new RegExp(`interrupted by ${signal}`));
  });

  it('starling server on Ctrl-C says bye: its worker exits 0 at once', async () => {
    const out = join(tempDir(), 'run');
    const { server, workers } = await startCluster(72, ['w0'], ['algorithm.rounds=100000'], out);
    await waitFor(() => metrics(out).length >= 3, 90_000, 'three rounds');
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(130);
    expect(await workers.w0.exit).toBe(0); // told bye: it does not wait for a server that is gone
    expectInterrupted(out, 'SIGINT');
  });
});
