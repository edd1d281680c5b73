import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, type HeadlessChromium, launchChromium } from '../browser/chromium.js';
import { repo, starling, tempDir } from '../cli/cli-helpers.js';

if (chromiumMissing) console.warn(`report browser tests are skipped: ${chromiumMissing}`);

const dir = tempDir('starling-report-');
type Line = Record<string, number | null>;
const metrics = (run: string): Line[] =>
  readFileSync(join(dir, run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** Runs an experiment through the CLI into `<dir>/<name>` (inline, native kernels) and checks it completed. */
function run(name: string, config: string, sets: string[]): void {
  const out = join(dir, name);
  const r = starling(['run', config, '--out', out, '--quiet', '--json', ...sets.flatMap((s) => ['--set', s])]);
  expect(r.code, r.stderr).toBe(0);
}

/** The series of a chart, read back through echarts' own API in the page. */
async function seriesOf(page: Page, id: string): Promise<{ name: string; data: unknown[] }[]> {
  return page.evaluate((chartId) => {
    const g = globalThis as unknown as {
      document: { getElementById(id: string): unknown };
      echarts: { getInstanceByDom(el: unknown): { getOption(): { series: { name: string; data: unknown[] }[] } } };
    };
    const chart = g.echarts.getInstanceByDom(g.document.getElementById(`chart-${chartId}`));
    return chart.getOption().series.map((s) => ({ name: s.name, data: s.data }));
  }, id);
}

const RUNS = ['fedavg', 'dp-fedavg', 'dpsgd-ring'];
const html = join(dir, 'report.html');
const pngDir = join(dir, 'png');
let report: { out: string; runs: string[]; charts: string[]; pngs: { id: string; file: string }[] };

describe.skipIf(chromiumMissing !== '')('starling report in headless Chromium', () => {
  let chrome: HeadlessChromium;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    run('fedavg', 'experiments/fedavg-mnist-iid.yaml', ['algorithm.clients=10', 'algorithm.rounds=8', 'eval.every=1']);
    run('dp-fedavg', 'experiments/dp-fedavg.yaml', ['algorithm.clients=200', 'algorithm.rounds=8', 'eval.every=1']);
    run('dpsgd-ring', 'experiments/dpsgd-ring-16.yaml', [
      'algorithm.rounds=16',
      'eval.every=2',
      'runtime={kind: inline}',
    ]);
    const r = starling(['report', ...RUNS.map((n) => join(dir, n)), '--out', html, '--png', pngDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    report = JSON.parse(r.stdout);
    chrome = await launchChromium();
    const context = await chrome.browser.newContext({ viewport: { width: 1200, height: 1000 } });
    await context.setOffline(true);
    page = await context.newPage();
    page.on('request', (req) => requests.push(req.url()));
    page.on('pageerror', (err) => errors.push(String(err)));
    const self = pathToFileURL(html).href;
    await page.route('**/*', (route) => (route.request().url() === self ? route.continue() : route.abort()));
    await page.goto(self);
    await page.waitForFunction(() => Reflect.get(globalThis, 'starlingReport')?.ready === true);
  }, 240_000);

  afterAll(async () => {
    await chrome?.close();
  });

  it('opens from a file:// URL with the network off, loads nothing else and throws nothing', async () => {
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(html).href]);
    const resources = await page.evaluate(() => performance.getEntriesByType('resource').length);
    expect(resources).toBe(0);
    expect(report.runs).toEqual(RUNS);
  });

  it('accuracy vs round: one series per run whose points are the evaluated rounds of metrics.jsonl', async () => {
    const series = await seriesOf(page, 'accuracy-round');
    expect(series.map((s) => s.name)).toEqual(RUNS);
    for (const [i, name] of RUNS.entries()) {
      const expected = metrics(name)
        .filter((m) => m.test_accuracy !== null)
        .map((m) => [m.round, m.test_accuracy]);
      expect(expected.length).toBeGreaterThan(0);
      expect(series[i].data).toEqual(expected);
    }
    // dpsgd evaluates every 2nd round: 8 points of 16 rounds
    expect(series[2].data).toHaveLength(8);
  });

  it('loss vs cumulative bytes: x is the running sum of bytes_up + bytes_down', async () => {
    const series = await seriesOf(page, 'loss-bytes');
    for (const [i, name] of RUNS.entries()) {
      let bytes = 0;
      const expected: number[][] = [];
      for (const m of metrics(name)) {
        bytes += Number(m.bytes_up) + Number(m.bytes_down);
        if (m.test_loss !== null) expected.push([bytes, m.test_loss]);
      }
      expect(series[i].data).toEqual(expected);
    }
    const summary = JSON.parse(readFileSync(join(dir, 'fedavg', 'summary.json'), 'utf8'));
    expect((series[0].data.at(-1) as number[])[0]).toBe(summary.bytes_up + summary.bytes_down);
  });

  it('accuracy vs ε holds the private run only, and accuracy vs wall time uses time_s', async () => {
    const eps = await seriesOf(page, 'accuracy-epsilon');
    expect(eps.map((s) => s.data.length)).toEqual([0, 8, 0]);
    expect(eps[1].data).toEqual(metrics('dp-fedavg').map((m) => [m.epsilon, m.test_accuracy]));
    const time = await seriesOf(page, 'accuracy-time');
    expect(time[0].data).toEqual(metrics('fedavg').map((m) => [m.time_s, m.test_accuracy]));
    expect(report.charts).not.toContain('accuracy-virtual-time'); // no run has a systems: section
  });

  it('gossip: consensus error and node accuracy spread of the gossip run', async () => {
    const gossip = metrics('dpsgd-ring').filter((m) => m.consensus_error !== null);
    const ce = await seriesOf(page, 'consensus-round');
    expect(ce.map((s) => s.name)).toEqual(['dpsgd-ring']);
    expect(ce[0].data).toEqual(gossip.map((m) => [m.round, m.consensus_error]));
    const log = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { getElementById(id: string): unknown };
        echarts: { getInstanceByDom(el: unknown): { getOption(): { yAxis: { type: string }[] } } };
      };
      return g.echarts.getInstanceByDom(g.document.getElementById('chart-consensus-round')).getOption().yAxis[0].type;
    });
    expect(log).toBe('log');
    const spread = await seriesOf(page, 'spread-round');
    expect(spread.map((s) => s.name)).toEqual(['dpsgd-ring mean', 'dpsgd-ring min', 'dpsgd-ring max']);
    expect(spread[1].data).toEqual(gossip.map((m) => [m.round, m.node_accuracy_min]));
  });

  it('the link heat map of the gossip run is links.json as a 16 × 16 matrix', async () => {
    const links = JSON.parse(readFileSync(join(dir, 'dpsgd-ring', 'links.json'), 'utf8')).links;
    const [heat] = await seriesOf(page, 'links-2');
    expect(heat.data).toHaveLength(256);
    const cells = heat.data as [number, number, number][];
    for (const [to, from, bytes] of cells) expect(bytes).toBe(links[`${from}->${to}`] ?? 0);
    expect(cells.filter((c) => c[2] > 0)).toHaveLength(32); // a ring: 2 neighbours per peer
    expect(report.charts).not.toContain('links-0'); // inline federated runs count no per-host bytes
  });

  it('partitions, the topology drawing, the run table and the config diff are on the page', async () => {
    const part = await seriesOf(page, 'partition-1');
    expect(part).toHaveLength(10);
    expect(part[0].data).toHaveLength(50); // the first 50 of 200 clients
    const partition = JSON.parse(readFileSync(join(dir, 'dp-fedavg', 'partition.json'), 'utf8'));
    expect(part[3].data).toEqual(partition.clients.slice(0, 50).map((c: { byLabel: number[] }) => c.byLabel[3]));
    expect(await page.locator('figure.drawing svg circle').count()).toBe(16);
    expect(await page.locator('#config-diff summary').textContent()).toMatch(/^\d+ keys differ/);
    expect(await page.locator('#config-diff').evaluate((d) => Reflect.get(d, 'open'))).toBe(false); // many keys: folded
    const lr = page.locator('#config-diff tr', { hasText: /^optimizer\.lr/ }).locator('td');
    expect(await lr.allTextContents()).toEqual(['optimizer.lr', '0.05', '0.1', '0.05']);
    const text = await page.locator('#report').textContent();
    const sha = JSON.parse(readFileSync(join(dir, 'dp-fedavg', 'summary.json'), 'utf8')).model_sha256;
    expect(text).toContain(sha.slice(0, 16));
    expect(text).toContain('showing the first 50 of 200 clients');
  });

  it('saves the screenshots of the docs (docs/img/report.png, docs/img/report-gossip.png with STARLING_SCREENSHOTS=1)', async () => {
    // Only on request: the figures' wall-time axes differ from run to run, and the committed images should
    // not change under every test run.
    const shots = process.env.STARLING_SCREENSHOTS === '1' ? join(repo, 'docs/img') : dir;
    await page.setViewportSize({ width: 1280, height: 1250 });
    await page.screenshot({ path: join(shots, 'report.png') });
    const gossip = page.locator('section', { has: page.locator('h2', { hasText: 'Gossip: consensus' }) });
    await gossip.screenshot({ path: join(shots, 'report-gossip.png') });
    expect(readFileSync(join(shots, 'report.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('--png wrote the main figures as PNG files of 1800 pixels wide', () => {
    expect(report.pngs.map((p) => p.id)).toEqual(['accuracy-round', 'accuracy-bytes', 'loss-round', 'consensus-round']);
    for (const p of report.pngs) {
      const png = readFileSync(p.file);
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.subarray(12, 16).toString()).toBe('IHDR');
      expect(png.readUInt32BE(16)).toBe(1800);
      expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(960);
      expect(png.length).toBeGreaterThan(10_000);
    }
  });
});
