import { createHash } from 'node:crypto';
import { basename, dirname, extname, resolve } from 'node:path';
import { errors, StarlingError } from '@starling/core';
import { loadConfig, readConfigFile } from '@starling/runner';
import { flowText } from './flow-text.js';
import { parseGridFlag, parseSeedsFlag } from './split-values.js';

/** One config assignment of a cell: `--set key=value`. */
export interface Assignment {
  readonly key: string;
  /** YAML flow text, as `--set` takes it. */
  readonly value: string;
}

/** One point of the grid (or one extra cell): its assignments, a label and its folder name. */
export interface SweepCell {
  readonly sets: readonly Assignment[];
  /** `key=value key=value`, or `(config)` for a cell that changes nothing. */
  readonly label: string;
  /** The cell's folder name under the sweep folder: the assignments made file-safe (plus a hash when that lost anything). */
  readonly slug: string;
}

/** What `starling sweep` runs: every cell with every seed, one run folder each. */
export interface SweepPlan {
  /** The experiment file every run starts from. */
  readonly config: string;
  readonly name: string;
  /** `--set` overrides shared by every run (the sweep file's `set`, then the command line's). */
  readonly sets: readonly string[];
  /** The grid's keys, in order (the table's first columns), with extra cells' keys after them. */
  readonly keys: readonly string[];
  readonly cells: readonly SweepCell[];
  readonly seeds: readonly number[];
  readonly out: string;
}

/** The command-line flags of `starling sweep`. */
export interface SweepFlags {
  readonly config: string;
  readonly grid: readonly string[];
  readonly seeds?: string;
  readonly set: readonly string[];
  readonly out?: string;
}

function slugOf(sets: readonly Assignment[]): string {
  if (sets.length === 0) return 'config';
  const raw = sets.map((a) => `${a.key}=${a.value}`).join('__');
  const safe = raw.replace(/[^A-Za-z0-9._=+-]/g, '_').slice(0, 100);
  return safe === raw ? safe : `${safe}-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
}

function cellOf(sets: Assignment[]): SweepCell {
  const label = sets.length === 0 ? '(config)' : sets.map((a) => `${a.key}=${a.value}`).join(' ');
  return { sets, label, slug: slugOf(sets) };
}

/** The cartesian product of the axes, first axis slowest. */
function product(axes: readonly { key: string; values: readonly string[] }[]): Assignment[][] {
  return axes.reduce<Assignment[][]>(
    (cells, axis) => cells.flatMap((c) => axis.values.map((value) => [...c, { key: axis.key, value }])),
    [[]],
  );
}

interface SweepFile {
  config: string;
  set: string[];
  grid: { key: string; values: string[] }[];
  cells: Assignment[][];
  seeds: number[] | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the `sweep:` section of a sweep file (docs/cli.md); null when the file is an experiment. */
function readSweepFile(file: string): SweepFile | null {
  const raw = readConfigFile(file);
  if (!isRecord(raw) || !('sweep' in raw)) return null;
  const s = raw.sweep;
  const bad = (what: string, got: unknown) =>
    errors.option(`sweep.${what}`, what === 'config' ? 'an experiment file path' : 'as documented in docs/cli.md', got);
  if (!isRecord(s) || typeof s.config !== 'string') throw bad('config', isRecord(s) ? s.config : s);
  const grid = s.grid ?? {};
  if (!isRecord(grid) || !Object.values(grid).every((v) => Array.isArray(v) && v.length > 0)) throw bad('grid', grid);
  const cells = s.cells ?? [];
  if (!Array.isArray(cells) || !cells.every(isRecord)) throw bad('cells', cells);
  const set = s.set ?? [];
  if (!Array.isArray(set) || !set.every((x) => typeof x === 'string')) throw bad('set', set);
  const seeds = s.seeds ?? null;
  if (seeds !== null && !(Array.isArray(seeds) && seeds.every((x) => Number.isSafeInteger(x) && x >= 0)))
    throw bad('seeds', seeds);
  const unknown = Object.keys(s).filter((k) => !['config', 'set', 'grid', 'cells', 'seeds'].includes(k));
  if (unknown.length > 0)
    throw errors.option(`sweep.${unknown[0]}`, 'absent (sweep takes config, set, grid, cells, seeds)', s[unknown[0]]);
  return {
    config: resolve(dirname(file), s.config),
    set,
    grid: Object.entries(grid).map(([key, values]) => ({ key, values: (values as unknown[]).map(flowText) })),
    cells: cells.map((c) => Object.entries(c).map(([key, v]) => ({ key, value: flowText(v) }))),
    seeds,
  };
}

/**
 * The sweep `flags` describe: `config` is an experiment file (then `--grid` gives the axes) or a sweep
 * file (`sweep: {config, set, grid, cells, seeds}`; `--grid` adds or replaces axes, `--seeds` replaces
 * its seeds). Every cell's config is validated here, so a bad value fails before anything runs (exit
 * code 2, naming the cell). Seeds default to the config's own seed. The default folder is `sweeps/<name>`
 * under the working directory, where a second call resumes.
 */
export function planSweep(flags: SweepFlags): SweepPlan {
  const file = readSweepFile(flags.config);
  const config = file?.config ?? flags.config;
  const axes = [...(file?.grid ?? [])];
  for (const g of flags.grid.map(parseGridFlag)) {
    const at = axes.findIndex((a) => a.key === g.key);
    if (at >= 0) axes[at] = g;
    else axes.push(g);
  }
  const sets = [...(file?.set ?? []), ...flags.set];
  const extra = file?.cells ?? [];
  // Without axes the product is one empty cell (the config as it is): only when there are no extra cells.
  const cells = [...(axes.length > 0 || extra.length === 0 ? product(axes) : []), ...extra].map(cellOf);
  const base = loadConfig(config, sets);
  for (const cell of cells) {
    try {
      loadConfig(config, [...sets, ...cell.sets.map((a) => `${a.key}=${a.value}`)]);
    } catch (err) {
      if (!(err instanceof StarlingError)) throw err;
      throw new StarlingError(err.code, `sweep cell ${cell.label}: ${err.message}`, { cause: err.cause });
    }
  }
  const slugs = new Set(cells.map((c) => c.slug));
  if (slugs.size !== cells.length)
    throw errors.usage('the sweep has the same cell twice (a value repeated in --grid or cells)');
  const keys = [...new Set([...axes.map((a) => a.key), ...cells.flatMap((c) => c.sets.map((a) => a.key))])];
  const seeds = flags.seeds !== undefined ? parseSeedsFlag(flags.seeds) : (file?.seeds ?? [base.seed]);
  const name = file ? basename(flags.config, extname(flags.config)) : base.name;
  return { config, name, sets, keys, cells, seeds, out: resolve(flags.out ?? `sweeps/${name}`) };
}
