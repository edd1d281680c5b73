import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errors } from '@starling/core';

/** Where a Chromium is looked for: `STARLING_CHROMIUM`, then the Debian / Ubuntu / Chrome paths. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The first Chromium found: `STARLING_CHROMIUM` when set (it must exist), else a candidate path, else null. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env.STARLING_CHROMIUM;
  if (given) return existsSync(given) ? given : null;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * Flags for a headless browser on a closed network: without the background-networking ones Chromium keeps
 * trying to reach Google's hosts, and the refused connections slow every start (the browser tests use them too).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A figure to write: its chart id and the PNG file. */
export interface PngFigure {
  readonly id: string;
  readonly file: string;
}

/**
 * Writes `ids` (the charts of the report page `html`) as PNG files `<dir>/<id>.png`, each the chart's
 * element at 900 × 480 CSS pixels with device scale 2 (1800 × 960 pixels, for papers). Opens the page
 * in headless Chromium through playwright-core, with every network request refused. A missing
 * playwright-core or Chromium is a usage error (exit code 2) naming what to install.
 */
export async function writePngs(html: string, ids: readonly string[], dir: string): Promise<PngFigure[]> {
  const executablePath = findChromium();
  if (executablePath === null) {
    const where = process.env.STARLING_CHROMIUM
      ? `STARLING_CHROMIUM=${process.env.STARLING_CHROMIUM} does not exist`
      : `none of ${CHROMIUM_CANDIDATES.join(', ')} exists`;
    throw errors.usage(
      `--png needs a Chromium browser: ${where} (apt-get install chromium, or set STARLING_CHROMIUM to its path)`,
    );
  }
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch (err) {
    throw errors.usage(`--png needs the playwright-core package (pnpm add playwright-core): ${String(err)}`);
  }
  mkdirSync(dir, { recursive: true });
  const browser = await playwright.chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 }, deviceScaleFactor: 2 });
    await page.route('**/*', (route) =>
      route.request().url().startsWith('data:') ? route.continue() : route.abort('blockedbyclient'),
    );
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForFunction(() => Reflect.get(globalThis, 'starlingReport')?.ready === true);
    const written: PngFigure[] = [];
    for (const id of ids) {
      const file = join(resolve(dir), `${id}.png`);
      await page.evaluate(resizeForPaper, id);
      await page.locator(`#chart-${id}`).screenshot({ path: file });
      written.push({ id, file });
    }
    return written;
  } finally {
    await browser.close();
  }
}

/** (In the page) gives a chart the paper size, without the zoom slider and toolbox. */
function resizeForPaper(id: string): void {
  const div = Reflect.get(globalThis, 'document').getElementById(`chart-${id}`);
  const chart = Reflect.get(globalThis, 'echarts').getInstanceByDom(div);
  div.style.width = '900px';
  div.style.height = '480px';
  chart.setOption({ toolbox: { show: false }, dataZoom: [{ type: 'inside' }, { type: 'slider', show: false }] });
  chart.resize();
}
