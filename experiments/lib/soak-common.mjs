// What the soak scripts share: their argument parsing, the resident memory of a process, the rounds a
// run folder has recorded, and the JSON line they print (rounds, rounds that aggregated nothing or lost
// participants, RSS after warm-up and at the end with its growth).
import { existsSync, readFileSync } from 'node:fs';

/**
 * Parses `--key value` integer options over `defaults` and repeated `--set path=value`; exits 2 naming
 * the first unknown or invalid argument.
 * @param {string[]} args @param {Record<string, number>} defaults
 * @returns {{ opts: Record<string, number>, sets: string[] }}
 */
export function soakArgs(args, defaults) {
  const opts = { ...defaults };
  const sets = [];
  for (let i = 0; i < args.length; i++) {
    const key = args[i].replace(/^--/, '');
    if (key === 'set' && i + 1 < args.length) sets.push(args[++i]);
    else if (key in opts && Number.isInteger(Number(args[i + 1]))) opts[key] = Number(args[++i]);
    else {
      console.error(`unknown or invalid argument ${args[i]}`);
      process.exit(2);
    }
  }
  return { opts, sets };
}

/** The resident set of process `pid` in MB (VmRSS), or null once it is gone. @param {number} pid */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The metrics lines of run folder `out` (parsed), [] before the first. @param {string} out */
export function metricsOf(out) {
  const file = `${out}/metrics.jsonl`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** How many rounds run folder `out` has recorded. @param {string} out */
export function roundsDone(out) {
  const file = `${out}/metrics.jsonl`;
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

/**
 * The figures of a soak: rounds recorded, rounds that aggregated nothing or had failed nodes, and the
 * server's RSS (MB) after warm-up (median over rounds [every, 2·every)) and at the end (median over the
 * last tenth of the planned rounds), with its relative growth.
 * @param {Record<string, unknown>[]} lines metrics lines @param {[number, number][]} samples [round, MB]
 * @param {{ rounds: number, every: number }} opts
 */
export function soakFigures(lines, samples, opts) {
  const warm = median(samples.filter(([r]) => r >= opts.every && r < 2 * opts.every).map(([, m]) => m));
  const end = median(samples.filter(([r]) => r >= opts.rounds * 0.9).map(([, m]) => m));
  return {
    rounds: lines.length,
    planned: opts.rounds,
    not_aggregated: lines.filter((l) => !l.aggregated).length,
    rounds_with_failures: lines.filter((l) => l.failures > 0).length,
    rss_warm_mb: warm && Math.round(warm),
    rss_end_mb: end && Math.round(end),
    rss_growth: warm && end ? Math.round(((end - warm) / warm) * 1000) / 1000 : null,
  };
}
