import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';

const dir = tempDir('starling-report-cli-');
const done = join(dir, 'done');
const failed = join(dir, 'failed');
const fedavg = (out: string, sets: string[]) =>
  starling([
    'run',
    'experiments/fedavg-mnist-iid.yaml',
    '--out',
    out,
    '--quiet',
    '--json',
    ...['algorithm.clients=10', 'algorithm.rounds=3', ...sets].flatMap((s) => ['--set', s]),
  ]);

/** The page data embedded in a report. */
function pageData(html: string): {
  runs: { name: string; status: string; incomplete: string | null }[];
  sections: { charts: { id: string }[] }[];
} {
  const text = readFileSync(html, 'utf8');
  const m = /<script id="starling-report" type="application\/json">(.*?)<\/script>/s.exec(text);
  if (!m) throw new Error('no page data in the report');
  return JSON.parse(m[1]);
}

beforeAll(() => {
  expect(fedavg(done, []).code).toBe(0);
  expect(fedavg(failed, ['algorithm.rounds=6', 'optimizer.lr=1e38']).code).toBe(1);
}, 120_000);

describe('starling report', () => {
  it('reports a failed run next to a completed one: the header says so, its 3 rounds are plotted', () => {
    const out = join(dir, 'r1.html');
    const r = starling(['report', done, failed, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^report: .*r1\.html \(2 runs, \d+ charts\)\n$/);
    const data = pageData(out);
    expect(data.runs.map((x) => [x.name, x.status])).toEqual([
      ['done', 'completed'],
      ['failed', 'failed'],
    ]);
    expect(data.runs[1].incomplete).toMatch(
      /^no summary\.json \(status failed: run stopped.*plotted from the 3 metrics lines$/,
    );
    const ids = data.sections.flatMap((s) => s.charts.map((c) => c.id));
    expect(ids).toEqual(expect.arrayContaining(['accuracy-round', 'loss-round', 'accuracy-bytes', 'partition-0']));
    expect(ids).not.toContain('consensus-round'); // no gossip run
    expect(readFileSync(out, 'utf8')).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing loaded by URL
  });

  it('is self-contained: the echarts bundle is inline', () => {
    const out = join(dir, 'r2.html');
    expect(starling(['report', done, '--out', out]).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.length).toBeGreaterThan(1_000_000);
    expect(html).toContain('echarts');
  });
});

describe('starling report refusals (exit 2, naming the file)', () => {
  const refused = (args: string[], env: Record<string, string> = {}) => {
    const r = starling(['report', ...args], env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    return r.stderr;
  };

  it('no run folder', () => {
    expect(refused([])).toMatch(/Not enough non-option arguments|runs/);
  });

  it('a folder that does not exist', () => {
    expect(refused([join(dir, 'absent'), '--out', join(dir, 'x.html')])).toContain(
      `run folder ${join(dir, 'absent')} does not exist`,
    );
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });

  it('a folder without metrics.jsonl', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(refused([done, empty])).toContain(`${join(empty, 'metrics.jsonl')} not found`);
  });

  it('a malformed metrics line, by file and line number', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    const lines = readFileSync(join(done, 'metrics.jsonl'), 'utf8').split('\n');
    lines[2] = '{"round": 2, "test_accuracy": ';
    writeFileSync(join(bad, 'metrics.jsonl'), lines.join('\n'));
    expect(refused([bad])).toContain(`${join(bad, 'metrics.jsonl')}:3: malformed metrics line`);
  });

  it('--out naming a folder', () => {
    expect(refused([done, '--out', dir])).toContain(`--out ${dir} is a folder`);
  });

  it('--png without a Chromium names what is missing (the HTML is still written)', () => {
    const out = join(dir, 'r3.html');
    const err = refused([done, '--out', out, '--png', join(dir, 'png')], {
      STARLING_CHROMIUM: '/nonexistent/chromium',
    });
    expect(err).toContain('--png needs a Chromium browser: STARLING_CHROMIUM=/nonexistent/chromium does not exist');
    expect(existsSync(out)).toBe(true);
  });
});
