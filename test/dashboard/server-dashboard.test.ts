import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { smallFedAvg, startStarling, waitFor } from '../e2e/e2e-helpers.js';
import { followEvents, startRun } from './dashboard-run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'starling-dashboard-'));
  dirs.push(d);
  return d;
};

describe('starling server --dashboard', () => {
  it('reports a worker host joined, lost when killed, and its replacement joined; the stream ends completed', async () => {
    const out = join(tmp(), 'run');
    const server = startStarling([
      'server',
      ...smallFedAvg,
      ...['--set', 'algorithm.rounds=40'],
      ...['--set', 'eval.every=5', '--bind', 'tcp://127.0.0.1:*', '--hosts', '1', '--dashboard', '0'],
      ...['--out', out, '--json'],
    ]);
    const procs = [server];
    try {
      await waitFor(() => /listening on tcp:\/\/\S+;/.test(server.err()), 120_000, 'the server to listen');
      const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(server.err())?.[1] ?? '';
      const address = /listening on (tcp:\/\/\S+);/.exec(server.err())?.[1] ?? '';
      const log = await followEvents(url);
      const worker = (id: string) => startStarling(['worker', '--connect', address, '--host-id', id, '--threads', '1']);
      const w1 = worker('w1');
      procs.push(w1);
      const rounds = () => log.events.filter((e) => e.kind === 'round').length;
      await waitFor(() => rounds() >= 3, 120_000, 'three rounds with w1');
      w1.child.kill('SIGKILL');
      await waitFor(() => log.events.some((e) => e.kind === 'host' && e.state === 'lost'), 60_000, 'w1 lost');
      const w2 = worker('w2');
      procs.push(w2);
      await log.ended;
      expect(await server.exit, server.err()).toBe(0);
      const hosts = log.events.filter((e) => e.kind === 'host').map((e) => [e.host, e.state]);
      expect(hosts).toEqual([
        ['w1', 'joined'],
        ['w1', 'lost'],
        ['w2', 'joined'],
      ]);
      const lost = log.events.find((e) => e.kind === 'host' && e.state === 'lost');
      expect(lost?.reason).toEqual(expect.any(String));
      expect(log.events[0]).toMatchObject({ kind: 'start', rounds: 40, runtime: 'cluster', family: 'federated' });
      expect(log.events.at(-1)).toMatchObject({ kind: 'end', status: 'completed', reason: null, lastRound: 39 });
      expect(rounds()).toBe(40);
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }, 400_000);

  it('refuses a bad --dashboard port, or one in use, with exit code 2 before anything runs', async () => {
    const bad = startStarling([
      'run',
      'experiments/quickstart.yaml',
      '--dashboard',
      '70000',
      '--out',
      join(tmp(), 'a'),
    ]);
    expect(await bad.exit).toBe(2);
    expect(bad.err()).toMatch(/--dashboard must be a port number from 0 to 65535/);
    const first = startStarling([
      'server',
      'experiments/quickstart.yaml',
      '--bind',
      'tcp://127.0.0.1:*',
      '--dashboard',
      '0',
    ]);
    try {
      await waitFor(() => /dashboard: http/.test(first.err()), 60_000, 'the first dashboard');
      const port = /dashboard: http:\/\/127\.0\.0\.1:(\d+)\//.exec(first.err())?.[1] ?? '';
      const out = join(tmp(), 'b');
      const taken = startStarling(['run', 'experiments/quickstart.yaml', '--dashboard', port, '--out', out]);
      expect(await taken.exit).toBe(2);
      expect(taken.err()).toMatch(new RegExp(`--dashboard: port ${port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      first.child.kill('SIGKILL');
    }
  }, 120_000);

  it('an interrupted run (SIGINT) ends the stream with status interrupted, and the CLI exits 130', async () => {
    const out = join(tmp(), 'run');
    const run = await startRun([
      'run',
      ...smallFedAvg,
      ...[
        '--set',
        'algorithm.rounds=500',
        '--set',
        'runtime.kind=threads',
        '--dashboard',
        '0',
        '--out',
        out,
        '--quiet',
      ],
    ]);
    const log = await followEvents(run.url);
    await waitFor(() => log.events.filter((e) => e.kind === 'round').length >= 2, 120_000, 'two rounds');
    run.child.kill('SIGINT');
    await log.ended;
    const r = await run.exit;
    expect(r.code, r.stderr).toBe(130);
    const end = log.events.at(-1);
    expect(end).toMatchObject({ kind: 'end', status: 'interrupted', reason: expect.stringMatching(/^SIGINT: /) });
    const last = log.events.filter((e) => e.kind === 'round').at(-1)?.line as { round: number } | undefined;
    expect(end?.lastRound).toBe(last?.round);
  }, 200_000);
});
