import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReportPage } from './page-data.js';
import { PAGE_SCRIPT } from './page-script.js';

/** The minified echarts bundle (the `echarts` dependency's dist/echarts.min.js), read once. */
let echartsBundle: string | null = null;
function echartsSource(): string {
  if (echartsBundle === null) {
    const file = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
    echartsBundle = readFileSync(file, 'utf8');
  }
  return echartsBundle;
}

/** Text safe inside a `<script>` element: no `</script`, no `<!--` (JSON stays valid: `\u003c` is `<`). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
#report { max-width: 1400px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; font-size: 13px; background: white; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.mono { font-family: ui-monospace, monospace; font-size: 12px; }
.status-completed { color: #1a7f37; } .status-interrupted, .status-running { color: #9a6700; } .status-failed { color: #cf222e; }
.warn { color: #9a6700; } .note { color: #666; font-size: 13px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 12px; }
.charts figure.wide { grid-column: 1 / -1; }
figure { margin: 0; background: white; border: 1px solid #e4e4e4; padding: 8px; }
figure.drawing { display: inline-block; margin-right: 12px; }
summary { cursor: pointer; font-size: 13px; margin-bottom: 6px; }
figcaption { color: #555; font-size: 12px; margin-top: 4px; }
.chart { width: 100%; }
`;

/**
 * The whole report as one self-contained HTML document: the echarts bundle and the page script inline,
 * the page data as JSON in `<script id="starling-report" type="application/json">`. It loads nothing
 * from the network (no fonts, images or scripts by URL).
 */
export function renderHtml(page: ReportPage): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    `<script>${echartsSource()}</script>`,
    '</head>',
    '<body>',
    '<main id="report"></main>',
    `<script id="starling-report" type="application/json">${scriptSafeJson(page)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
