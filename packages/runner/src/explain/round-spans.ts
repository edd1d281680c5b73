import type { RoundSpan } from './explanation.js';

/** Run-length encodes per-round figures: consecutive rounds with equal figures share one span. */
export function roundSpans(rounds: readonly Omit<RoundSpan, 'from' | 'to'>[]): RoundSpan[] {
  const spans: RoundSpan[] = [];
  rounds.forEach((r, i) => {
    const last = spans[spans.length - 1];
    if (last && last.bytes_up === r.bytes_up && last.bytes_down === r.bytes_down && last.messages === r.messages) {
      spans[spans.length - 1] = { ...last, to: i };
    } else spans.push({ from: i, to: i, ...r });
  });
  return spans;
}

/** The sums of the spans' bytes over every round. */
export function spanTotals(spans: readonly RoundSpan[]): { bytes_up: number; bytes_down: number } {
  let up = 0;
  let down = 0;
  for (const s of spans) {
    const n = s.to - s.from + 1;
    up += n * s.bytes_up;
    down += n * s.bytes_down;
  }
  return { bytes_up: up, bytes_down: down };
}
