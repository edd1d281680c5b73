import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '@starling/runner';
import { describe, expect, it } from 'vitest';
import { repo, tempDir } from '../cli/cli-helpers.js';

type Line = Record<string, unknown>;
interface Driven {
  model_sha256: string;
  lines: Line[];
  boundaries: number[];
  outcome: { rounds: number; summary: unknown; bytes: unknown; links: unknown; test: unknown };
  capture: { ms: number | null; bytes: number | null };
}

/**
 * One run of a gossip config through its driver with a hand-made RunContext (drive-gossip.mjs, a process
 * of its own: peer processes start from the built runner), capturing a checkpoint file at `captureAt`
 * and/or resuming from `resume`.
 */
function drive(config: string, sets: readonly string[], captureAt: number, out: string, resume?: string): Driven {
  const args = [join(repo, 'test/gossip/drive-gossip.mjs'), config, JSON.stringify(sets), String(captureAt), out];
  const r = spawnSync(process.execPath, resume ? [...args, resume] : args, {
    cwd: repo,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, STARLING_KERNELS: 'js' },
  });
  if (r.status !== 0) throw new Error(`drive-gossip failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const withoutTime = (lines: Line[]) => lines.map(({ time_s, ...l }) => l);
/** Socket bytes count message headers, whose msgpack `seq` is shorter on a fresh link after a resume. */
const withoutSocketBytes = (lines: Line[]) => withoutTime(lines).map(({ bytes_up, bytes_down, ...l }) => l);

/**
 * Runs uninterrupted, writing a checkpoint file after round k, then a second run resumed from that file;
 * checks the boundaries each saw and that both end on the same model bits, metrics and summary.
 */
function interruptAndResume(config: string, sets: readonly string[], k: number, rounds: number, sockets = false) {
  const dir = tempDir('gossip-resume-');
  const ckpt = join(dir, `round-${k}.ckpt`);
  // Over sockets the peers stand still (and a boundary runs) only where a checkpoint is due: after
  // round k with checkpoint.every = k + 1, never after the last round.
  const all = sockets ? [...sets, `checkpoint.every=${k + 1}`] : sets;
  const boundaries = (first: number) =>
    Array.from({ length: rounds - first }, (_, i) => first + i).filter(
      (t) => !sockets || ((t + 1) % (k + 1) === 0 && t + 1 < rounds),
    );
  const whole = drive(config, all, k, ckpt);
  expect(whole.boundaries).toEqual(boundaries(0));
  expect(decodeCheckpoint(readFileSync(ckpt), ckpt)).toMatchObject({ round: k, driver: 'gossip' });
  const resumed = drive(config, all, -1, join(dir, 'unused.ckpt'), ckpt);
  expect(resumed.boundaries).toEqual(boundaries(k + 1));
  expect(resumed.model_sha256).toBe(whole.model_sha256);
  const same = sockets ? withoutSocketBytes : withoutTime;
  expect(same(resumed.lines)).toEqual(same(whole.lines.slice(k + 1)));
  // the summary; over sockets without the byte counts and the hosts' ports
  const { links: l1, bytes: b1, ...o1 } = resumed.outcome;
  const { links: l2, bytes: b2, ...o2 } = whole.outcome;
  expect(o1).toEqual(o2);
  if (!sockets) expect([l1, b1]).toEqual([l2, b2]);
  return { whole, resumed };
}

const small = ['algorithm.rounds=10', 'eval.every=3'];
const momentum = 'optimizer={kind: momentum, lr: 0.05, momentum: 0.9}';

// Each case starts 2-5 runs in processes of their own (the socket ones with their peer processes): a
// shared 2-core machine needs more than the default 120 s.
describe('gossip checkpoints: capture after round 4 of 10, resume from the file, same final bits', {
  timeout: 600_000,
}, () => {
  it('D-PSGD on a 16-ring with momentum, inline', () => {
    const { whole } = interruptAndResume(
      'experiments/dpsgd-ring-16.yaml',
      [...small, 'runtime={kind: inline}', momentum],
      4,
      10,
    );
    expect((whole.outcome.test as { accuracy: number }).accuracy).toBeGreaterThan(0.3);
  });

  it('D-PSGD combine-then-adapt on a time-varying one-peer exponential graph with Adam, and consensus, inline', () => {
    const sets = [...small, 'runtime={kind: inline}', 'algorithm.order=cta', 'optimizer={kind: adam, lr: 0.01}'];
    interruptAndResume(
      'experiments/dpsgd-ring-16.yaml',
      [...sets, 'algorithm.topology={kind: one_peer_exponential}'],
      6,
      10,
    );
    interruptAndResume('experiments/consensus-ring-16.yaml', small, 2, 10);
  });

  it('D-PSGD with DP-SGD at per-peer lot rates: the peer ledgers resume to the same epsilon bits', () => {
    const sets = [
      ...small,
      'runtime={kind: inline}',
      'algorithm.partition={kind: lognormal, sigma: 1, minSize: 40}',
      'privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: 1, targetEpsilon: 5}',
    ];
    const { whole, resumed } = interruptAndResume('experiments/dpsgd-ring-16.yaml', sets, 4, 10);
    const summary = whole.outcome.summary as { privacy: { epsilon_peers: number[] } };
    expect(summary.privacy.epsilon_peers).toHaveLength(16);
    expect(resumed.lines.at(-1)?.epsilon).toBe(Math.max(...summary.privacy.epsilon_peers));
  });

  it('a capture after the last round resumes to the same outcome without running a round', () => {
    const dir = tempDir('gossip-resume-');
    const sets = ['algorithm.rounds=4', 'eval.every=3', 'runtime={kind: inline}'];
    const whole = drive('experiments/dpsgd-ring-16.yaml', sets, 3, join(dir, 'last.ckpt'));
    const resumed = drive('experiments/dpsgd-ring-16.yaml', sets, -1, join(dir, 'unused'), join(dir, 'last.ckpt'));
    expect([resumed.lines, resumed.boundaries]).toEqual([[], []]);
    expect(resumed.model_sha256).toBe(whole.model_sha256);
    expect(resumed.outcome).toEqual(whole.outcome);
  });

  it('D-PSGD over 4 peer processes (8 peers, momentum), on the bits of the inline run', () => {
    const sets = [...small, 'algorithm.peers=8', momentum];
    const { whole } = interruptAndResume(
      'experiments/dpsgd-ring-16.yaml',
      [...sets, 'runtime={kind: processes, workers: 4, transport: tcp}'],
      4,
      10,
      true,
    );
    const inline = drive('experiments/dpsgd-ring-16.yaml', [...sets, 'runtime={kind: inline}'], -1, '/dev/null');
    expect(whole.model_sha256).toBe(inline.model_sha256);
  });

  it('CHOCO-SGD (compression-gossip.yaml, top-k 1%, 8 peers), inline and over threads', () => {
    const inline = interruptAndResume('experiments/compression-gossip.yaml', [...small, 'algorithm.peers=8'], 4, 10);
    const threads = interruptAndResume(
      'experiments/compression-gossip.yaml',
      [...small, 'algorithm.peers=8', 'runtime={kind: threads}'],
      4,
      10,
      true,
    );
    expect(threads.whole.model_sha256).toBe(inline.whole.model_sha256);
  });
});
