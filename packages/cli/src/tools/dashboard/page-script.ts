/**
 * The dashboard page's script (browser JavaScript, embedded after `emptyModel` and `applyEvent`): follows
 * `/events` with an EventSource, applies each event to the model and redraws at most every 150 ms.
 * Closes the stream on `end` (the server is about to go). `window.__dashboard` exposes the model and
 * the charts (tests read them).
 */
export const PAGE_SCRIPT = `
const model = emptyModel();
const $ = (id) => document.getElementById(id);
const charts = {};
for (const id of ['acc', 'bytes', 'eps', 'cons']) charts[id] = echarts.init($('chart-' + id));
window.__dashboard = { model, charts, events: 0 };
const fmt = (x, d) => (typeof x === 'number' ? x.toFixed(d) : '-');
const size = (b) => {
  const u = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (b >= 1000 && i < u.length - 1) { b /= 1000; i++; }
  return b.toFixed(i === 0 ? 0 : 1) + ' ' + u[i];
};
const last = (a) => (a.length > 0 ? a[a.length - 1][1] : null);
const base = (series, extra) => Object.assign({
  animation: false, grid: { left: 60, right: 50, top: 30, bottom: 30 }, tooltip: { trigger: 'axis' },
  legend: { top: 0 }, xAxis: { type: 'value', name: 'round', minInterval: 1 }, series,
}, extra);

function rows(tbody, list, cells) {
  tbody.replaceChildren(...list.map((item) => {
    const tr = document.createElement('tr');
    for (const [text, cls] of cells(item)) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    return tr;
  }));
}

function drawCharts(m) {
  charts.acc.setOption(base([
    { name: 'test accuracy', type: 'line', showSymbol: false, data: m.accuracy },
    { name: 'test loss', type: 'line', yAxisIndex: 1, showSymbol: false, data: m.testLoss },
    { name: 'train loss', type: 'line', yAxisIndex: 1, showSymbol: false, data: m.trainLoss },
  ], { yAxis: [{ type: 'value', name: 'accuracy', min: 0, max: 1 }, { type: 'value', name: 'loss' }] }));
  charts.bytes.setOption(base([
    { name: 'up', type: 'bar', stack: 'b', data: m.bytes.map((b) => [b[0], b[1]]) },
    { name: 'down', type: 'bar', stack: 'b', data: m.bytes.map((b) => [b[0], b[2]]) },
  ], { yAxis: { type: 'value', name: 'bytes', axisLabel: { formatter: size } } }));
  if (m.epsilon.length > 0) {
    $('eps-box').classList.remove('hidden');
    charts.eps.setOption(base([{ name: 'ε', type: 'line', showSymbol: false, data: m.epsilon }], { yAxis: { type: 'value' } }));
  }
  if (m.consensus.length > 0) {
    $('cons-box').classList.remove('hidden');
    charts.cons.setOption(base([{ name: 'consensus error', type: 'line', showSymbol: false, data: m.consensus }], { yAxis: { type: 'log' } }));
  }
}

function drawTables(m) {
  const hosts = Object.entries(m.hosts).sort((a, b) => a[0].localeCompare(b[0]));
  rows($('hosts').tBodies[0], hosts, ([h, s]) => {
    const seen = s.state === 'lost' ? s.round : Math.max(m.round, s.round);
    return [[h], [s.state, s.state], ['round ' + (seen + 1) + ' · ' + (s.state === 'lost' ? s.t : m.t).toFixed(1) + ' s'], [s.reason ?? '']];
  });
  const peers = Object.entries(m.peers).sort((a, b) => Number(a[0]) - Number(b[0]));
  if (peers.length > 0) {
    $('peers-box').classList.remove('hidden');
    const lost = peers.filter(([, p]) => p.state === 'lost').length;
    $('peers-count').textContent = '(' + (peers.length - lost) + ' alive, ' + lost + ' lost)';
    $('peers').replaceChildren(...peers.map(([id, p]) => {
      const s = document.createElement('span');
      s.textContent = id;
      s.className = p.state;
      s.title = 'peer ' + id + ': ' + p.state + ' in round ' + (p.round + 1) + (p.state === 'lost' ? '' : ', last seen round ' + (m.round + 1));
      return s;
    }));
  }
  rows($('failures').tBodies[0], m.failures.slice(-20).reverse(), (f) => [
    [String(f.round + 1)], [String(f.failures)], [String(f.reasons.deadline ?? 0)], [String(f.late)], [String(f.dropped)],
    [Object.entries(f.reasons).map(([k, n]) => k + ' ×' + n).join(', ')],
  ]);
  $('stragglers-note').textContent = m.stragglerCount === 0 ? 'no stragglers' : m.stragglerCount + ' stragglers in all; the latest:';
  rows($('stragglers').tBodies[0], m.stragglers.slice(-15).reverse(), (s) => [
    [String(s.round + 1)], [String(s.node)], [s.reason + (s.count > 1 ? ' (by ' + s.count + ')' : '')],
  ]);
  const links = Object.entries(m.links).sort((a, b) => b[1] - a[1]).slice(0, 12);
  if (links.length > 0) $('links-box').classList.remove('hidden');
  rows($('links').tBodies[0], links, ([k, b]) => [[k], [size(b)]]);
}

function draw() {
  const m = model;
  $('name').textContent = m.name ?? 'starling';
  $('kind').textContent = [m.algorithm, m.runtime].filter(Boolean).join(' · ');
  $('status').textContent = m.status;
  $('status').className = 'badge ' + m.status;
  const done = m.round + 1;
  $('round').textContent = done + ' / ' + (m.rounds || '?');
  $('bar').style.width = (m.rounds > 0 ? Math.min(100, (100 * done) / m.rounds) : 0) + '%';
  $('elapsed').textContent = m.t.toFixed(1) + ' s';
  $('reason').textContent = m.reason ?? '';
  $('acc').textContent = fmt(last(m.accuracy), 4);
  $('loss').textContent = fmt(last(m.testLoss), 4);
  $('bytes').textContent = size(m.bytesTotal.up) + ' / ' + size(m.bytesTotal.down);
  $('eps').textContent = fmt(last(m.epsilon), 3);
  if (m.consensus.length > 0) $('cons-card').classList.remove('hidden');
  $('cons').textContent = m.consensus.length > 0 ? last(m.consensus).toExponential(3) : '-';
  drawCharts(m);
  drawTables(m);
}

let pending = null;
const schedule = () => { pending ??= setTimeout(() => { pending = null; draw(); }, 150); };
const source = new EventSource('/events');
source.onmessage = (msg) => {
  const e = JSON.parse(msg.data);
  applyEvent(model, e);
  window.__dashboard.events++;
  if (e.kind === 'end') { source.close(); clearTimeout(pending); pending = null; draw(); }
  else schedule();
};
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
draw();
`;
