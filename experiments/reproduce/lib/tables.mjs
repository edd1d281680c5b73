// Pure pieces of the reproduction scripts: rounds to a target accuracy, speed-ups, the ordering of
// settings against the paper's, and markdown tables. No I/O; unit-tested in test/repro/tables.test.ts.

/**
 * The number of rounds after which the model first reached `target` test accuracy: round index + 1 of
 * the first metrics line with `test_accuracy >= target`, or null when no evaluated line did.
 * @param {Array<{round: number, test_accuracy?: number | null}>} lines metrics.jsonl lines, in order
 * @param {number} target accuracy in [0, 1]
 * @returns {number | null}
 */
export function roundsToTarget(lines, target) {
  for (const line of lines) {
    if (typeof line.test_accuracy === 'number' && line.test_accuracy >= target) return line.round + 1;
  }
  return null;
}

/** Parses metrics.jsonl text into its lines (blank lines skipped). @param {string} text */
export function parseMetrics(text) {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/**
 * Speed-up of a row over the baseline as the paper defines it: baseline rounds / row rounds. Null when
 * either did not reach the target (a lower bound could be given, but a number would read as a measurement).
 * @param {number | null} baseline @param {number | null} rounds
 */
export function speedup(baseline, rounds) {
  if (baseline === null || rounds === null) return null;
  return baseline / rounds;
}

/**
 * Compares the order of settings by a score (lower is better: rounds to target) with the paper's order.
 * Settings with a null score rank after every number (tied with each other). Returns the pairs that
 * disagree (`a` before `b` in the paper, `b` strictly before `a` here), the pairs tied here, and
 * Kendall's tau over the pairs the paper orders strictly (ties in the paper are left out; a pair tied
 * here counts 0, as in tau-a).
 * @param {Array<{setting: string, ours: number | null, paper: number}>} rows
 * @returns {{ tau: number | null, pairs: number, ties: number, discordant: Array<{better: string, worse: string}> }}
 */
export function compareOrder(rows) {
  const key = (x) => (x === null ? Number.POSITIVE_INFINITY : x);
  let concordant = 0;
  let pairs = 0;
  let ties = 0;
  const discordant = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const [a, b] = rows[i].paper <= rows[j].paper ? [rows[i], rows[j]] : [rows[j], rows[i]];
      if (a.paper === b.paper) continue;
      pairs++;
      const oa = key(a.ours);
      const ob = key(b.ours);
      if (oa < ob) concordant++;
      else if (oa > ob) discordant.push({ better: a.setting, worse: b.setting });
      else ties++;
    }
  }
  return { tau: pairs === 0 ? null : (concordant - discordant.length) / pairs, pairs, ties, discordant };
}

/** A markdown table. @param {string[]} header @param {Array<Array<string | number | null>>} rows */
export function markdownTable(header, rows) {
  const cell = (x) => (x === null || x === undefined ? '–' : String(x).replaceAll('|', '\\|'));
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

/** `12.3×`, or `–` for null. @param {number | null} x */
export const times = (x) => (x === null ? '–' : `${x.toFixed(1)}×`);

/** Rounds, or `> budget` when the target was not reached. @param {number | null} r @param {number} budget */
export const roundsCell = (r, budget) => (r === null ? `> ${budget}` : String(r));

/** Seconds as `1 h 05 min`, `12 min` or `40 s`. @param {number} s */
export function duration(s) {
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 90) return `${Math.round(s / 60)} min`;
  return `${Math.round(s)} s`;
}
