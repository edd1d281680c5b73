import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errors } from '@starling/core';
import { renderHtml } from './html-page.js';
import { loadRun, nameRuns } from './load-run.js';
import { buildPage, MAIN_FIGURES, type ReportPage } from './page-data.js';
import { type PngFigure, writePngs } from './png.js';

/** The flags of `starling report`. */
export interface ReportCliOptions {
  readonly runs: readonly string[];
  /** The HTML file (default `report.html`). */
  readonly out: string;
  /** Folder for the main figures as PNG, or undefined for none. */
  readonly png?: string;
  readonly json: boolean;
}

/** What a report wrote. */
export interface ReportResult {
  readonly out: string;
  readonly runs: readonly string[];
  readonly charts: readonly string[];
  readonly pngs: readonly PngFigure[];
}

/**
 * Loads the run folders (every one checked before anything is written), builds the page and writes the
 * self-contained HTML file to `out`. Returns the page, for callers that also want the figures.
 */
export function writeReport(dirs: readonly string[], out: string, title = 'Starling report'): ReportPage {
  if (dirs.length === 0) throw errors.usage('name at least one run folder');
  const runs = nameRuns(dirs.map(loadRun));
  const page = buildPage(runs, title);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderHtml(page));
  return page;
}

/** The ids of the page's charts that `--png` writes ({@link MAIN_FIGURES} that the page has). */
export function pngFigureIds(page: ReportPage): string[] {
  const present = new Set(page.sections.flatMap((s) => s.charts.map((c) => c.id)));
  return MAIN_FIGURES.filter((id) => present.has(id));
}

/**
 * `starling report <run-dir>... [--out report.html] [--png DIR]`: writes the HTML report and, with
 * `--png`, the main figures as PNG files; prints where (or, with `--json`, a JSON object).
 */
export async function reportFromCli(options: ReportCliOptions): Promise<ReportResult> {
  if (options.out.trim() === '') throw errors.usage('--out must name a file, got ""');
  if (existsSync(options.out) && statSync(options.out).isDirectory()) {
    throw errors.usage(`--out ${options.out} is a folder; name the HTML file (e.g. ${options.out}/report.html)`);
  }
  if (options.png !== undefined && options.png.trim() === '') throw errors.usage('--png must name a folder, got ""');
  const page = writeReport(options.runs, options.out);
  const charts = page.sections.flatMap((s) => s.charts.map((c) => c.id));
  let pngs: PngFigure[] = [];
  if (options.png !== undefined) {
    pngs = await writePngs(readFileSync(options.out, 'utf8'), pngFigureIds(page), options.png);
  }
  const result = { out: options.out, runs: page.runs.map((r) => r.name), charts, pngs };
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`report: ${options.out} (${page.runs.length} runs, ${charts.length} charts)\n`);
    for (const p of pngs) process.stdout.write(`png: ${p.file}\n`);
  }
  return result;
}
