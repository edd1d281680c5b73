import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smallFedAvg, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';
import { starling, tempDir } from './cli-helpers.js';

const records = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('the console of run-like commands', () => {
  it('--log-format json: every console line of a server is a pino record (listening, progress, done)', async () => {
    const address = `tcp://127.0.0.1:${testPort(93)}`;
    const out = join(tempDir(), 'run');
    const sets = ['algorithm.rounds=2', 'eval.every=1'].flatMap((s) => ['--set', s]);
    const server = startStarling([
      ...['server', ...smallFedAvg, ...sets, '--bind', address, '--hosts', '1', '--out', out],
      ...['--log-format', 'json', '--host-wait-s', '5'],
    ]);
    await waitFor(() => server.err().includes('listening on'), 90_000, 'server to listen');
    const worker = startStarling(['worker', '--connect', address, '--threads', '1']);
    expect(await server.exit).toBe(0);
    await worker.exit;
    const lines = records(server.err());
    expect(lines[0]).toMatchObject({ level: 30, address, hosts: 1 });
    expect(lines[0].msg).toMatch(/^listening on tcp:\/\/127\.0\.0\.1:\d+; waiting for 1 worker host/);
    expect(lines.filter((l) => l.msg.startsWith('round ')).map((l) => l.round)).toEqual([0, 1]);
    expect(lines.at(-1)).toMatchObject({ level: 30, out });
    expect(lines.at(-1).msg).toMatch(/^done: test_accuracy 0\.\d{4}/);
  });

  it('--log-level debug shows every metrics line; consensus runs show their consensus error', () => {
    const out = join(tempDir(), 'run');
    const r = starling([
      ...['run', 'experiments/consensus-ring-16.yaml', '--set', 'algorithm.rounds=2', '--out', out],
      ...['--log-level', 'debug'],
    ]);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('debug: metrics {"round":'))).toHaveLength(2);
    // The consensus error shrinks: ring of 16, Metropolis weights.
    const errs = lines.flatMap((l) => /^round \d\/2 .*consensus_error (\S+)$/.exec(l)?.[1] ?? []).map(Number);
    expect(errs).toHaveLength(2);
    expect(errs[1]).toBeLessThan(errs[0]);
    const plain = starling([
      'run',
      'experiments/consensus-ring-16.yaml',
      '--set',
      'algorithm.rounds=2',
      '--out',
      `${out}-2`,
    ]);
    expect(plain.stderr).not.toMatch(/^debug:/m);
  });

  it('--version and -h', () => {
    const v = starling(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = starling(['-h']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/starling explain <config>/);
    expect(h.stdout).toMatch(/starling sweep <config>/);
    expect(starling(['run', '-h']).stdout).toMatch(/--dry-run/);
  });
});
