/**
 * The report page's script (plain ES2020, run by the browser): reads the page data from
 * `<script id="starling-report" type="application/json">` and builds the run table, the config diff,
 * each section's charts (`echarts.init` + `setOption` on `<div id="chart-<id>">`) and the topology
 * drawings. Text goes in through `textContent` (never markup); only the SVG drawings, which Starling
 * made, go in as markup. When done it sets `window.starlingReport = { ready: true, charts: [ids] }`,
 * which tests and `--png` wait for.
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('starling-report').textContent);
  var root = document.getElementById('report');
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function fmt(v, digits) {
    if (v === null || v === undefined) return '-';
    return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : String(v);
  }
  function table(head, rows) {
    var t = el('table');
    var tr = el('tr');
    head.forEach(function (h) { tr.appendChild(el('th', h)); });
    t.appendChild(tr);
    rows.forEach(function (row) {
      var r = el('tr');
      row.forEach(function (c) {
        var td = el('td', c.text === undefined ? c : c.text, c.cls);
        if (c.title) td.title = c.title;
        r.appendChild(td);
      });
      t.appendChild(r);
    });
    return t;
  }
  root.appendChild(el('h1', data.title));
  root.appendChild(el('h2', 'Runs'));
  root.appendChild(table(
    ['run', 'algorithm', 'status', 'seed', 'rounds', 'final accuracy', 'ε', 'model_sha256'],
    data.runs.map(function (r) {
      var rounds = r.plannedRounds !== null && r.plannedRounds !== r.rounds ? r.rounds + ' of ' + r.plannedRounds : r.rounds;
      var acc = fmt(r.accuracy, 4) + (r.accuracyFrom === 'last evaluated round' ? ' (last evaluated)' : '');
      return [
        { text: r.name, title: r.dir }, fmt(r.algorithm), { text: r.status, cls: 'status-' + r.status, title: r.reason || '' },
        fmt(r.seed), fmt(rounds), acc, fmt(r.epsilon, 3), { text: r.modelSha256 ? r.modelSha256.slice(0, 16) + '…' : '-', title: r.modelSha256 || '', cls: 'mono' },
      ];
    })
  ));
  data.runs.forEach(function (r) {
    if (r.incomplete) root.appendChild(el('p', r.name + ': ' + r.incomplete, 'warn'));
  });
  root.appendChild(el('h2', 'Config differences'));
  if (data.configDiff.rows.length === 0) {
    root.appendChild(el('p', data.runs.length < 2 ? 'one run: nothing to compare' : 'the configs are identical', 'note'));
  } else {
    var n = data.configDiff.rows.length;
    var details = el('details');
    details.id = 'config-diff';
    details.open = n <= 12;
    details.appendChild(el('summary', n + (n === 1 ? ' key differs' : ' keys differ') + ' (config.resolved.json)'));
    details.appendChild(table(['key'].concat(data.configDiff.runs), data.configDiff.rows.map(function (row) {
      return [{ text: row.key, cls: 'mono' }].concat(row.values.map(function (v) { return { text: v === null ? '(absent)' : v, cls: 'mono' }; }));
    })));
    root.appendChild(details);
  }
  var ids = [];
  var charts = [];
  data.sections.forEach(function (s) {
    var sec = el('section');
    sec.appendChild(el('h2', s.title));
    if (s.note) sec.appendChild(el('p', s.note, 'note'));
    root.appendChild(sec);
    if (s.charts.length === 0 && !(s.drawings && s.drawings.length)) sec.appendChild(el('p', 'nothing to show', 'note'));
    var grid = el('div', null, 'charts');
    sec.appendChild(grid);
    s.charts.forEach(function (c) {
      var fig = el('figure', null, c.wide ? 'wide' : '');
      var div = el('div', null, 'chart');
      div.id = 'chart-' + c.id;
      div.style.height = (c.height || 360) + 'px';
      fig.appendChild(div);
      if (c.note) fig.appendChild(el('figcaption', c.note));
      grid.appendChild(fig);
      var chart = echarts.init(div, null, { renderer: 'canvas' });
      chart.setOption(c.option);
      charts.push(chart);
      ids.push(c.id);
    });
    (s.drawings || []).forEach(function (d) {
      var fig = el('figure', null, 'drawing');
      if (d.svg) { var holder = el('div'); holder.innerHTML = d.svg; fig.appendChild(holder); }
      fig.appendChild(el('figcaption', d.run + ': ' + d.caption + (d.note ? ' (not drawn: ' + d.note + ')' : '')));
      sec.appendChild(fig);
    });
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  window.starlingReport = { ready: true, charts: ids };
})();
`;
