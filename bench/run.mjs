// The benchmark runner: `pnpm bench [filter...] [--repeats N] [--quick] [--list]`.
//
// Discovers bench/suites/*.mjs (run in name order, or only those whose name contains a filter). A
// suite's default export is an async function, or async generator function, taking an options object
// ({ repeats?, quick? } plus its own keys) and yielding or returning flat records such as
// { name, backend: 'native' | 'js' | 'torch', batch?, samples_per_s | gflops | ..., median_of }.
// Records with name 'note' carry a `note` string (e.g. why torch was skipped).
//
// Prints one JSON line per record on stdout as it arrives (with `suite` added), then a readable
// table per suite, and rewrites .bench/results.jsonl keeping the latest records of every suite.
// Suites import built code from packages/*/dist: run `npx tsc -b` first (pnpm install does).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(here, '..', '.bench', 'results.jsonl');

function parseArgs(argv) {
  const opts = { filters: [], options: {}, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--list') opts.list = true;
    else if (a === '--quick') opts.options.quick = true;
    else if (a === '--repeats') opts.options.repeats = Number(argv[++i]);
    else if (a.startsWith('--repeats=')) opts.options.repeats = Number(a.slice('--repeats='.length));
    else if (a.startsWith('--'))
      throw new Error(`unknown option ${a}; use [filter...] [--repeats N] [--quick] [--list]`);
    else opts.filters.push(a);
  }
  if (opts.options.repeats !== undefined && !(Number.isInteger(opts.options.repeats) && opts.options.repeats >= 1)) {
    throw new Error('--repeats must be a positive integer');
  }
  return opts;
}

async function* records(result) {
  const value = await result;
  if (value == null) return;
  if (typeof value[Symbol.asyncIterator] === 'function' || typeof value[Symbol.iterator] === 'function') {
    for await (const r of value) yield r;
  } else {
    yield value;
  }
}

function format(v) {
  if (typeof v !== 'number') return v === undefined ? '' : String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}

function table(rows) {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => c !== 'suite');
  const cells = rows.map((r) => cols.map((c) => format(r[c])));
  const width = cols.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (vals) =>
    vals
      .map((v, j) => v.padEnd(width[j]))
      .join('  ')
      .trimEnd();
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main() {
  const { filters, options, list } = parseArgs(process.argv.slice(2));
  const dir = join(here, 'suites');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort()
    .map((f) => basename(f, '.mjs'));
  const chosen = all.filter((s) => filters.length === 0 || filters.some((f) => s.includes(f)));
  if (list || chosen.length === 0) {
    console.error(chosen.length === 0 ? `no suite matches ${filters.join(', ')}; suites:` : 'suites:');
    for (const s of all) console.error(`  ${s}`);
    process.exitCode = list ? 0 : 2;
    return;
  }
  const machine = {
    suite: 'machine',
    name: 'machine',
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    date: new Date().toISOString(),
  };
  console.log(JSON.stringify(machine));
  const fresh = [machine];
  let failed = 0;
  for (const suite of chosen) {
    console.error(`# ${suite}`);
    try {
      const mod = await import(pathToFileURL(join(dir, `${suite}.mjs`)).href);
      if (typeof mod.default !== 'function') throw new Error('the suite has no default export function');
      for await (const r of records(mod.default({ ...options }))) {
        const record = { suite, ...r };
        fresh.push(record);
        console.log(JSON.stringify(record));
      }
    } catch (e) {
      failed++;
      const record = { suite, name: 'error', error: e instanceof Error ? e.message : String(e) };
      fresh.push(record);
      console.log(JSON.stringify(record));
      console.error(e);
    }
  }
  // Keep the latest records of the suites not run now.
  let kept = [];
  try {
    kept = readFileSync(resultsFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l))
      .filter((r) => r.suite !== 'machine' && !chosen.includes(r.suite));
  } catch {
    kept = [];
  }
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${[...fresh, ...kept].map((r) => JSON.stringify(r)).join('\n')}\n`);

  console.log('');
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, ${machine.date}`);
  for (const suite of chosen) {
    const rows = fresh.filter((r) => r.suite === suite && r.name !== 'note');
    const notes = fresh.filter((r) => r.suite === suite && r.name === 'note');
    console.log(`\n== ${suite} ==`);
    if (rows.length > 0) console.log(table(rows));
    for (const n of notes) console.log(`note: ${n.note}`);
  }
  console.log(`\nrecords written to ${resultsFile}`);
  if (failed > 0) process.exitCode = 1;
}

await main();
