import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Cuts a run's `metrics.jsonl` back to the lines of rounds ≤ `round` (the checkpoint a resumed run
 * continues from), dropping later rounds and a torn last line, and returns the `time_s` of round
 * `round`'s line (0 when it has none) so that the resumed run's clock continues from there. The file is
 * replaced atomically (temp + rename).
 */
export function truncateMetrics(file: string, round: number): number {
  if (!existsSync(file)) return 0;
  const kept: string[] = [];
  let timeS = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let parsed: { round?: unknown; time_s?: unknown };
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // a line torn by the crash
    }
    if (typeof parsed.round !== 'number' || parsed.round > round) continue;
    kept.push(line);
    if (parsed.round === round && typeof parsed.time_s === 'number') timeS = parsed.time_s;
  }
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, kept.length > 0 ? `${kept.join('\n')}\n` : '');
  renameSync(tmp, file);
  return timeS;
}
