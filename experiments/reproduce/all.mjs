#!/usr/bin/env node
// Runs the paper tables of issue 18 through the real `starling` CLI and writes them as markdown with the
// date, machine, commit and Node version, plus `starling report` pages over the runs.
//
//   node experiments/reproduce/all.mjs [--quick | --short] [--model cnn|2nn] [--only table2,dp]
//                                      [--partition iid|noniid] [--out DIR]
//                                      [--runtime inline|threads|processes] [--kernels native|js] [--verify] [--dry-run]
//
// Tables: `table2` (McMahan et al. 2017, Table 2 in shape: table2.mjs) and `dp` (DP-SGD at ε = 1, 3, 8:
// dp.mjs). Every row's config is written to DIR/configs/<row>.json and its run folder kept in
// DIR/runs/<row>, so a row can be re-run by hand (`starling run DIR/configs/<row>.json`) and verified
// (`starling repro verify DIR/runs/<row>`); DIR/commands.sh lists both for every row. --quick is the
// few-minutes version (a data subset, fewer rounds, a lower target); --short the CNN cut to about 75
// minutes of one core (subsets, lower targets, each Table 2 row stopped at its target: lib/profiles.mjs);
// --partition runs one partition of Table 2 only; --verify re-runs every row with
// `starling repro verify` and adds the verdict. Needs `npx tsc -b` first (the CLI runs dist/).
// See docs/reproduce.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { planDp, renderDp } from './dp.mjs';
import { parseArgs } from './lib/args.mjs';
import { checkConfig, repo, report, runConfig, runConfigUntil, verifyRun } from './lib/cli.mjs';
import { loadText, machineInfo, machineMarkdown } from './lib/machine.mjs';
import { duration, markdownTable } from './lib/tables.mjs';
import { planTable2, renderTable2 } from './table2.mjs';

const TABLES = {
  table2: { plan: planTable2, render: renderTable2 },
  dp: { plan: planDp, render: renderDp },
};

function log(text) {
  process.stderr.write(`reproduce: ${text}\n`);
}

/** The full version's plan (for its expected time), whatever this invocation runs. */
function fullEstimate(o) {
  const full = { ...o, quick: false, short: false, partitions: ['iid', 'noniid'] };
  return o.only.flatMap((t) => TABLES[t].plan(full).rows).reduce((s, r) => s + r.estimate, 0);
}

async function runTable(key, o, out, machine) {
  const plan = TABLES[key].plan(o);
  checkConfig(writeConfig(out, plan.rows[plan.rows.length - 1])); // the last row has the table's model
  const results = [];
  for (const [i, row] of plan.rows.entries()) {
    const file = writeConfig(out, row);
    const dir = join(out, 'runs', row.name);
    log(`${key} ${i + 1}/${plan.rows.length}: ${row.name} (estimated ${duration(row.estimate)})`);
    const flags = o.kernels ? ['--kernels', o.kernels] : [];
    try {
      const { summary, metrics } =
        typeof row.stopAt === 'number'
          ? await runConfigUntil(file, dir, flags, row.stopAt)
          : runConfig(file, dir, flags);
      log(`${row.name}: test_accuracy ${summary.test_accuracy} in ${summary.wall_s.toFixed(1)} s`);
      results.push({ ...row, summary, metrics, dir });
    } catch (err) {
      // One failed row (a diverged run, a killed process) must not cost the hours of the others.
      log(`${row.name} FAILED: ${err.message}`);
      const summary = { failed: err.message, test_accuracy: null, epsilon: null, wall_s: 0 };
      results.push({ ...row, summary, metrics: [], dir: null });
    }
  }
  const { markdown, ...rest } = TABLES[key].render(plan, results, o);
  const first = results.find((r) => r.dir !== null)?.summary;
  const backend = first ? `${first.backend}${first.simd ? ` (${first.simd})` : ''}, runtime ${first.runtime}` : '–';
  const verified = o.verify ? verifySection(results) : '';
  const text = `# ${key}${label(o)}\n\n${machineMarkdown(machine, { kernels: backend, data: plan.data.note ?? plan.data.name })}\n${markdown}${verified}`;
  writeFileSync(join(out, `${key}.md`), text);
  const problem = report(
    results.filter((r) => r.dir !== null).map((r) => r.dir),
    join(out, `report-${key}.html`),
  );
  if (problem) log(`starling report failed for ${key}: ${problem}`);
  return { key, markdown: `${markdown}${verified}`, rows: results.map(summaryRow), ...rest };
}

function writeConfig(out, row) {
  const file = join(out, 'configs', `${row.name}.json`);
  writeFileSync(file, `${JSON.stringify(row.config, null, 2)}\n`);
  return file;
}

function summaryRow(r) {
  const { metrics: _m, config: _c, ...rest } = r;
  return rest;
}

function verifySection(results) {
  const rows = results.map((r) => {
    if (r.dir === null) return [r.name, 'not run (the row failed)'];
    if (r.summary.stopped_after) return [r.name, `${r.summary.stopped_after} at its target: no model to verify`];
    const { result, error } = verifyRun(r.dir);
    return [
      r.name,
      result ? (result.identical ? 'identical' : `differs (${result.differs.join(', ')})`) : `refused: ${error}`,
    ];
  });
  return `\`starling repro verify\` on every row:\n\n${markdownTable(['row', 'verdict'], rows)}\n`;
}

function commands(out, tables) {
  const lines = ['#!/bin/sh', '# Re-run or verify any row by hand (from the repository root).'];
  for (const t of tables) {
    for (const r of t.rows) {
      if (r.dir === null) continue;
      const cfg = relative(repo, join(out, 'configs', `${r.name}.json`));
      lines.push(`node packages/cli/bin/starling.js run ${cfg} --out /tmp/${r.name}`);
      lines.push(`node packages/cli/bin/starling.js repro verify ${relative(repo, r.dir)}`);
    }
  }
  writeFileSync(join(out, 'commands.sh'), `${lines.join('\n')}\n`);
}

const label = (o) => (o.quick ? ' (--quick)' : o.short ? ' (--short)' : '');

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const now = new Date();
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const out = resolve(o.out ?? join(repo, 'runs', `reproduce-${stamp}`));
  log(
    `the full version (${o.only.join(', ')}, --model ${o.model}) is expected to take about ${duration(fullEstimate(o))} on this kind of 2-core machine`,
  );
  if (o.quick || o.short)
    log(
      `${o.quick ? '--quick' : '--short'}: about ${duration(o.only.flatMap((t) => TABLES[t].plan(o).rows).reduce((s, r) => s + r.estimate, 0))}`,
    );
  if (o.dryRun) {
    for (const t of o.only) for (const r of TABLES[t].plan(o).rows) log(`${r.name}: estimated ${duration(r.estimate)}`);
    return;
  }
  mkdirSync(join(out, 'configs'), { recursive: true });
  const machine = machineInfo(repo, now);
  const t0 = performance.now();
  const tables = [];
  for (const key of o.only) tables.push(await runTable(key, o, out, machine));
  const wall = (performance.now() - t0) / 1000;
  const head = `# Starling reproduction${label(o)}\n\n${machineMarkdown(machine, { 'total wall time': duration(wall), 'load average at the end': loadText(), command: `node experiments/reproduce/all.mjs ${process.argv.slice(2).join(' ')}` })}\n`;
  writeFileSync(join(out, 'results.md'), `${head}${tables.map((t) => t.markdown).join('\n')}`);
  writeFileSync(
    join(out, 'results.json'),
    `${JSON.stringify({ machine, options: o, wall_s: wall, tables }, null, 2)}\n`,
  );
  commands(out, tables);
  process.stdout.write(`${head}${tables.map((t) => t.markdown).join('\n')}`);
  const failed = tables.flatMap((t) => t.rows.filter((r) => r.dir === null).map((r) => r.name));
  if (failed.length > 0) {
    log(`${failed.length} row(s) failed: ${failed.join(', ')} (marked "failed" in the tables)`);
    process.exitCode = 1;
  }
  log(
    `wrote ${join(out, 'results.md')} (and ${o.only.map((t) => `report-${t}.html`).join(', ')}, configs/, runs/, commands.sh)`,
  );
}

main().catch((err) => {
  process.stderr.write(`reproduce: ${err.message}\n`);
  process.exit(1);
});
