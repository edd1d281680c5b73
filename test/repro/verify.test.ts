import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeFor } from '@starling/runner';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyRun } from '../../packages/cli/src/tools/repro/verify-run.js';
import { starling, tempDir } from '../cli/cli-helpers.js';

/** A tiny FedAvg run (2 rounds, 6 clients, a 16-unit MLP on 1,200 digits): a second or two in any runtime. */
const TINY = [
  'experiments/fedavg-mnist-shards.yaml',
  '--set',
  'algorithm.rounds=2',
  '--set',
  'algorithm.clients=6',
  '--set',
  'algorithm.fraction=0.5',
  '--set',
  'model.hidden=[16]',
  '--set',
  'data.limit=1200',
  '--set',
  'eval.every=1',
];

function runTiny(runtime: string): string {
  const out = join(tempDir('starling-repro-test-'), 'run');
  const r = starling(['run', ...TINY, '--set', `runtime=${runtime}`, '--out', out, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

function verify(dir: string, flags: string[] = []) {
  const r = starling(['repro', 'verify', dir, '--json', ...flags]);
  return { ...r, result: r.code === 0 || r.code === 1 ? JSON.parse(r.stdout) : null };
}

const sha = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).model_sha256;

/** A copy of a run folder, to alter. */
function copyRun(dir: string): string {
  const copy = join(tempDir('starling-repro-test-'), 'run');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

describe('starling repro verify', () => {
  let inline = '';
  beforeAll(() => {
    inline = runTiny('{kind: inline}');
  });

  it.each([
    ['inline', '', []],
    ['threads', '{kind: threads}', []],
    // The processes run is re-run inline (the most expensive runtime once, not twice); this also
    // checks --runtime (same bits in every runtime).
    ['processes', '{kind: processes, workers: 1}', ['--runtime', 'inline']],
  ])('verifies a %s run as identical', (recorded, spec, flags) => {
    const dir = spec === '' ? inline : runTiny(spec);
    const { code, stdout, stderr, result } = verify(dir, flags);
    expect(code, stderr).toBe(0);
    const runtime = flags.length === 0 ? recorded : flags[1];
    expect(result).toMatchObject({ identical: true, runtime, recorded_runtime: recorded, differs: [] });
    expect(result.rerun_sha256).toBe(sha(dir));
    expect(stdout.trim().split('\n')).toHaveLength(1); // the result alone on stdout
    expect(stderr).toMatch(/round 2\/2/); // progress on stderr
  });

  it('names another commit than the run recorded as a possible reason, and no commit when they agree', () => {
    const here = verify(inline).result;
    expect(here.notes.filter((n: string) => n.startsWith('commit '))).toEqual([]);
    const copy = copyRun(inline);
    const metaFile = join(copy, 'meta.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (typeof meta.git_commit !== 'string') return; // not run from a checkout: nothing to compare
    writeFileSync(metaFile, JSON.stringify({ ...meta, git_commit: '0123456789abcdef0123456789abcdef01234567' }));
    const { code, result } = verify(copy);
    expect(code).toBe(0); // the bits still match: the note explains, it does not decide
    expect(result.notes).toContainEqual(expect.stringMatching(/^commit [0-9a-f]{12} here, 0123456789ab in the run/));
  });

  it('verifies a gossip (D-PSGD) run', () => {
    const out = join(tempDir('starling-repro-test-'), 'run');
    const r = starling([
      'run',
      'experiments/dpsgd-ring-16.yaml',
      ...['--set', 'runtime={kind: inline}', '--set', 'algorithm.rounds=2', '--set', 'algorithm.peers=4'],
      ...['--set', 'data.limit=800', '--out', out, '--quiet'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { code, stderr, result } = verify(out);
    expect(code, stderr).toBe(0);
    expect(result.identical).toBe(true);
  });

  it('fails (exit 1) on a model file with one bit flipped, naming model.bin and both hashes', () => {
    const dir = copyRun(inline);
    const file = join(dir, 'model.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x01;
    writeFileSync(file, bytes);
    const { code, result } = verify(dir);
    expect(code).toBe(1);
    expect(result).toMatchObject({ identical: false, differs: ['model.bin'], rerun_sha256: sha(dir) });
    expect(result.model_file_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.model_file_sha256).not.toBe(sha(dir));
  });

  // In-process from here (the CLI's exit codes are those of exitCodeFor): no process start per check.
  it('fails on a config edited after the run: the re-run matches neither file', async () => {
    const dir = copyRun(inline);
    const file = join(dir, 'config.resolved.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8'));
    cfg.optimizer.lr *= 2;
    writeFileSync(file, JSON.stringify(cfg));
    const result = await verifyRun(dir, { run: { logLevel: 'silent' } });
    expect(result.identical).toBe(false);
    expect(result.differs).toEqual(['summary.json', 'model.bin']);
    expect(result.rerun_sha256).not.toBe(sha(dir));
    expect(result.rerun_out).not.toBeNull(); // kept to look at
  });

  it('refuses (exit 2) a folder that is not a run, an unfinished run and a broken meta.json', async () => {
    const notRun = starling(['repro', 'verify', tempDir('starling-repro-test-')]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toMatch(/not a run folder \(no config\.resolved\.json\)/);
    const refusal = async (dir: string) => {
      const err = await verifyRun(dir).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(exitCodeFor(err)).toBe(2);
      return (err as Error).message;
    };
    const dir = copyRun(inline);
    const metaFile = join(dir, 'meta.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    writeFileSync(metaFile, JSON.stringify({ ...meta, status: 'interrupted', reason: 'SIGINT' }));
    expect(await refusal(dir)).toMatch(/not a completed run: meta\.json says status interrupted \(SIGINT\)/);
    writeFileSync(metaFile, '{ not json');
    expect(await refusal(dir)).toMatch(/meta\.json.*cannot be read as JSON/);
    writeFileSync(metaFile, JSON.stringify(meta));
    writeFileSync(join(dir, 'config.resolved.json'), '{ "name": ');
    expect(await refusal(dir)).toMatch(/config\.resolved\.json.*cannot be read as JSON/);
  });
});
