import { applyEvent, emptyModel } from './page-model.js';
import { PAGE_SCRIPT } from './page-script.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
.badge { padding: 2px 10px; border-radius: 10px; font-weight: 600; background: #5a6b8a; }
.badge.running { background: #2f7de1; } .badge.completed { background: #2e9d5b; }
.badge.failed { background: #d0463b; } .badge.interrupted { background: #c98a1b; }
.bar { width: 260px; height: 10px; background: #3a4256; border-radius: 5px; overflow: hidden; }
.bar > div { height: 100%; width: 0; background: #5fb4ff; transition: width .2s; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 14px; padding: 14px 20px; }
section { background: #fff; border-radius: 8px; padding: 10px 14px; box-shadow: 0 1px 2px #0002; }
.wide { grid-column: 1 / -1; }
section h2 { font-size: 14px; margin: 0 0 6px; color: #4a5468; }
.chart { height: 260px; }
.cards { display: flex; gap: 18px; flex-wrap: wrap; } .cards div b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e6e8ee; }
.joined, .back { color: #2e9d5b; font-weight: 600; } .lost { color: #d0463b; font-weight: 600; }
.peers { display: flex; flex-wrap: wrap; gap: 3px; }
.peers span { width: 26px; height: 20px; font-size: 11px; text-align: center; line-height: 20px; border-radius: 3px; background: #2e9d5b; color: #fff; }
.peers span.lost { background: #d0463b; }
.hidden { display: none; } #reason { color: #ffb3ad; }
`;

const BODY = `
<header>
  <h1 id="name">starling</h1><span id="kind"></span>
  <span class="badge" id="status">waiting</span>
  <span>round <b id="round">0 / ?</b></span>
  <div class="bar"><div id="bar"></div></div>
  <span id="elapsed"></span><span id="reason"></span>
</header>
<main>
  <section class="wide"><h2>Now</h2><div class="cards">
    <div>test accuracy<b id="acc">-</b></div><div>test loss<b id="loss">-</b></div>
    <div>bytes up / down<b id="bytes">-</b></div><div>ε spent<b id="eps">-</b></div>
    <div id="cons-card" class="hidden">consensus error<b id="cons">-</b></div>
  </div></section>
  <section><h2>Accuracy and loss</h2><div class="chart" id="chart-acc"></div></section>
  <section><h2>Bytes per round</h2><div class="chart" id="chart-bytes"></div></section>
  <section id="eps-box" class="hidden"><h2>ε spent</h2><div class="chart" id="chart-eps"></div></section>
  <section id="cons-box" class="hidden"><h2>Consensus error</h2><div class="chart" id="chart-cons"></div></section>
  <section><h2>Hosts</h2><table id="hosts"><thead><tr><th>host</th><th>state</th><th>last seen</th><th>reason</th></tr></thead><tbody></tbody></table></section>
  <section id="peers-box" class="hidden"><h2>Peers <span id="peers-count"></span></h2><div class="peers" id="peers"></div></section>
  <section><h2>Failures and stragglers</h2>
    <table id="failures"><thead><tr><th>round</th><th>failed</th><th>deadline misses</th><th>late</th><th>dropped / left out</th><th>reasons</th></tr></thead><tbody></tbody></table>
    <p id="stragglers-note"></p>
    <table id="stragglers"><thead><tr><th>round</th><th>node</th><th>reason</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="links-box" class="hidden"><h2>Busiest links (bytes since the start)</h2><table id="links"><thead><tr><th>link</th><th>bytes</th></tr></thead><tbody></tbody></table></section>
</main>`;

/**
 * The dashboard page: one HTML document with its style, the page model (`page-model.ts`, embedded as
 * source) and the script that follows `/events` and draws with echarts (served at `/echarts.min.js`).
 */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>starling dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style><script src="/echarts.min.js"></script></head>
<body>${BODY}
<script>
${emptyModel.toString()}
${applyEvent.toString()}
${PAGE_SCRIPT}
</script></body></html>
`;
}
