import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, type HeadlessChromium, launchChromium } from '../browser/chromium.js';
import { startRun } from './dashboard-run.js';

if (chromiumMissing) console.warn(`dashboard browser tests are skipped: ${chromiumMissing}`);

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** Set STARLING_SCREENSHOTS=1 to write docs/img/dashboard.png (committed); otherwise it goes to the run's temp folder. */
const screenshots = process.env.STARLING_SCREENSHOTS === '1';

/** What the page shows now: the status badge, the round counter (`done / planned`), the accuracy chart's points. */
interface Seen {
  status: string;
  counter: string;
  done: number;
  accuracy: number;
}

const look = (page: Page): Promise<Seen> =>
  page.evaluate(() => {
    const g = globalThis as unknown as {
      echarts: { getInstanceByDom(el: Element | null): { getOption(): { series?: { data: unknown[] }[] } } };
    };
    const counter = document.getElementById('round')?.textContent ?? '';
    const series = g.echarts.getInstanceByDom(document.getElementById('chart-acc')).getOption().series ?? [];
    return {
      status: document.getElementById('status')?.textContent ?? '',
      counter,
      done: Number(counter.split(' / ')[0]),
      accuracy: series[0]?.data.length ?? 0,
    };
  });

/** Polls the page until it shows the run ended; returns each different round counter seen while it ran. */
async function watch(page: Page, timeoutMs: number): Promise<{ running: Seen[]; final: Seen }> {
  const running: Seen[] = [];
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const s = await look(page);
    if (s.status !== 'running' && s.status !== 'waiting') return { running, final: s };
    if (s.status === 'running' && s.done > 0 && running.at(-1)?.counter !== s.counter) running.push(s);
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`the run did not end within ${timeoutMs} ms`);
}

/** `[round, value]` of every evaluated metrics line (what the accuracy series must hold). */
function evaluated(out: string, field: string): [number, number][] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((m) => typeof m[field] === 'number')
    .map((m) => [m.round, m[field]]);
}

/** The data of series `index` of the chart in `#id` (echarts' own option). */
const chartData = (page: Page, id: string, index: number): Promise<[number, number][]> =>
  page.evaluate(
    ([id, index]) => {
      const g = globalThis as unknown as {
        echarts: { getInstanceByDom(el: Element | null): { getOption(): { series: { data: [number, number][] }[] } } };
      };
      return g.echarts.getInstanceByDom(document.getElementById(id as string)).getOption().series[index as number].data;
    },
    [id, index] as const,
  );

describe.skipIf(chromiumMissing !== '')('live dashboard (starling run --dashboard) in headless Chromium', () => {
  let chrome: HeadlessChromium;
  const dirs: string[] = [];
  beforeAll(async () => {
    chrome = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('follows a threads FedAvg run live: rounds and accuracy grow, the host is alive, the end is completed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'starling-dashboard-'));
    dirs.push(dir);
    const out = join(dir, 'run');
    const run = await startRun([
      'run',
      'experiments/fedavg-mnist-iid.yaml',
      '--set',
      'runtime.kind=threads',
      '--set',
      'algorithm.rounds=40',
      '--set',
      'algorithm.fraction=0.2',
      '--set',
      'eval.every=2',
      '--dashboard',
      '0',
      '--out',
      out,
      '--quiet',
      '--json',
    ]);
    const page = await chrome.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(run.url);
    const { running, final } = await watch(page, 180_000);
    // Watched live: at least two different, increasing round counts (and accuracy points) before the end.
    expect(running.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < running.length; i++) expect(running[i].done).toBeGreaterThan(running[i - 1].done);
    expect(running.at(-1)?.accuracy).toBeGreaterThan(running[0].accuracy);
    expect(running[0].counter).toMatch(/^\d+ \/ 40$/);
    expect(final).toMatchObject({ status: 'completed', counter: '40 / 40', accuracy: 20 });
    const hosts = await page.$$eval('#hosts tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(hosts).toHaveLength(1);
    expect(hosts[0]).toMatch(/^host-0joined/);
    const r = await run.exit;
    expect(r.code, r.stderr).toBe(0);
    // One point per evaluated round, equal to metrics.jsonl (20 evaluations: every 2nd round).
    const want = evaluated(out, 'test_accuracy');
    expect(want).toHaveLength(20);
    expect(await chartData(page, 'chart-acc', 0)).toEqual(want);
    const shot = screenshots ? join(repo, 'docs/img/dashboard.png') : join(dir, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
  }, 240_000);

  it('shows the peers and the consensus error of a gossip run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'starling-dashboard-'));
    dirs.push(dir);
    const out = join(dir, 'run');
    const run = await startRun([
      'run',
      'experiments/dpsgd-ring-16.yaml',
      '--set',
      'runtime={kind: threads}',
      '--set',
      'algorithm.rounds=30',
      '--set',
      'eval.every=5',
      '--dashboard=0',
      '--out',
      out,
      '--quiet',
      '--json',
    ]);
    const page = await chrome.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(run.url);
    const { final } = await watch(page, 180_000);
    expect(final).toMatchObject({ status: 'completed', counter: '30 / 30' });
    const r = await run.exit;
    expect(r.code, r.stderr).toBe(0);
    expect(await page.textContent('#peers-count')).toBe('(16 alive, 0 lost)');
    expect(await page.$$eval('#peers span', (s) => s.map((x) => x.className))).toEqual(Array(16).fill('joined'));
    expect(await page.isVisible('#cons-box')).toBe(true);
    const hosts = await page.$$eval('#hosts tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(hosts).toEqual([expect.stringMatching(/^host-0joined/)]);
    const cons = evaluated(out, 'consensus_error');
    expect(cons.length).toBeGreaterThan(0);
    expect(await chartData(page, 'chart-cons', 0)).toEqual(cons);
    expect(await page.textContent('#cons')).toBe(cons.at(-1)?.[1].toExponential(3));
    // The ring's 32 directed links all carried bytes.
    expect(await page.$$eval('#links tbody tr', (rows) => rows.length)).toBe(12);
    await page.close();
  }, 240_000);
});
