import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, starling, tempDir } from './cli-helpers.js';

const bin = join(repo, 'packages/cli/bin/starling.js');
const grid = [
  ...['experiments/quickstart.yaml', '--grid', 'optimizer.lr=0.1,0.05', '--grid', 'algorithm.batchSize=32,64'],
  ...['--seeds', '1,2,3', '--set', 'algorithm.rounds=3', '--parallel', '2'],
];

const status = (dir: string): string | null => {
  try {
    return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).status;
  } catch {
    return null;
  }
};
/** Every run folder of a sweep folder (`<cell>/seed-<s>`). */
const runDirs = (out: string) =>
  readdirSync(out, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(out, d.name)).map((s) => join(out, d.name, s)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await sleep(200)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('starling sweep', () => {
  it('2 x 2 x 3 seeds: killed with SIGKILL halfway, a second call runs only the missing runs and writes the table', async () => {
    const out = join(tempDir(), 'sweep');
    const first = spawn(process.execPath, [bin, 'sweep', ...grid, '--out', out], { cwd: repo, stdio: 'ignore' });
    const exited = new Promise((r) => first.on('exit', r));
    const completed = () => (existsSync(out) ? runDirs(out).filter((d) => status(d) === 'completed') : []);
    await until('4 completed runs', () => completed().length >= 4, 400_000);
    first.kill('SIGKILL');
    await exited;
    // The runs in flight notice their sweep is gone and stop at their next round boundary.
    await until('no run left running', () => runDirs(out).every((d) => status(d) !== 'running'), 30_000);
    const before = completed();
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(before.length).toBeLessThan(12);
    for (const d of before) writeFileSync(join(d, 'before-kill'), '');
    const stopped = runDirs(out).filter((d) => status(d) === 'interrupted');

    const second = starling(['sweep', ...grid, '--out', out]);
    expect(second.code, second.stderr).toBe(0);
    const missing = 12 - before.length;
    expect(second.stderr).toContain(
      `12 runs (4 cells x 3 seeds) in ${out}: ${before.length} completed, ${missing} to run`,
    );
    expect(second.stderr.match(/^sweep: \[\d+\/12\]/gm)).toHaveLength(missing);
    // Completed runs were kept as they were; interrupted ones were run again.
    for (const d of before) expect(existsSync(join(d, 'before-kill'))).toBe(true);
    for (const d of stopped) expect(status(d)).toBe('completed');
    expect(runDirs(out).filter((d) => status(d) === 'completed')).toHaveLength(12);

    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^optimizer\.lr,algorithm\.batchSize,runs,seeds,test_accuracy_mean,test_accuracy_std,/);
    const row = csv[1].split(',');
    expect(row.slice(0, 4)).toEqual(['0.1', '32', '3', '1 2 3']);
    const accs = [1, 2, 3].map(
      (s) =>
        JSON.parse(
          readFileSync(join(out, 'optimizer.lr=0.1__algorithm.batchSize=32', `seed-${s}`, 'summary.json'), 'utf8'),
        ).test_accuracy,
    );
    const mean = (accs[0] + accs[1] + accs[2]) / 3;
    const std = Math.sqrt(accs.reduce((a: number, x: number) => a + (x - mean) ** 2, 0) / 2);
    expect(Number(row[4])).toBeCloseTo(mean, 12);
    expect(Number(row[5])).toBeCloseTo(std, 12);
    expect(second.stderr).toContain(`sweep: report: ${join(out, 'report.html')} (12 runs)`);
    const page = /<script id="starling-report" type="application\/json">(.*?)<\/script>/s.exec(
      readFileSync(join(out, 'report.html'), 'utf8'),
    );
    const names: string[] = JSON.parse(page?.[1] ?? '{}').runs.map((r: { name: string }) => r.name);
    expect(new Set(names).size).toBe(12); // cell/seed-s: the seed folders' names alone repeat
    expect(names).toContain('optimizer.lr=0.1__algorithm.batchSize=32/seed-1');
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toBe(second.stdout);
    expect(md.trim().split('\n')).toHaveLength(6);
    expect(md).toMatch(/^\| 0\.05 \| 64 \| 3 \| 0\.\d{4} ± 0\.\d{4} \|/m);
  }, 600_000); // 12 runs of a few seconds each; a loaded 2-core machine makes each 10 s or more

  it('a sweep file: grid, extra cells and seeds, and the flags that replace them', () => {
    const dir = tempDir();
    const file = join(dir, 'lr.sweep.yaml');
    writeFileSync(
      file,
      `sweep:\n  config: ${join(repo, 'experiments/quickstart.yaml')}\n  set: ['algorithm.rounds=1']\n` +
        '  grid: { optimizer.lr: [0.1, 0.05] }\n  cells: [{ optimizer: { kind: sgd, lr: 0.2 } }]\n  seeds: [4]\n',
    );
    const r = starling(['sweep', file, '--out', join(dir, 'out'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).rows;
    expect(rows.map((x: { cell: string }) => x.cell)).toEqual([
      'optimizer.lr=0.1',
      'optimizer.lr=0.05',
      'optimizer={kind: sgd, lr: 0.2}',
    ]);
    expect(rows.every((x: { seeds: number[] }) => x.seeds.join() === '4')).toBe(true);
    expect(existsSync(join(dir, 'out', 'optimizer.lr=0.1', 'seed-4', 'summary.json'))).toBe(true);
  });

  it.each([
    [['--grid', 'optimizer.lr=abc'], /sweep cell optimizer\.lr=abc: [\s\S]*optimizer\.lr must be a number/],
    [['--grid', 'optimizer.lr'], /--grid expects key=v1,v2/],
    [['--seeds', '1,x'], /--seeds must list distinct non-negative integers/],
    [['--parallel', '0'], /--parallel must be a positive integer, got 0/],
  ])('usage errors name the flag and exit 2: %s', (flags, message) => {
    const r = starling(['sweep', 'experiments/quickstart.yaml', ...flags, '--out', join(tempDir(), 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
