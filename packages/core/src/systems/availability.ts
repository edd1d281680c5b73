import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';

/**
 * When a client is online, in virtual seconds since the run started. `onlineUntil(t)` is the end of the
 * online period that contains `t` (Infinity when it never ends), or null when the client is offline at
 * `t`. Periods are half-open, [start, end). Queries may come in any order; they are cheapest when `t`
 * does not decrease (what a synchronous round loop and an event simulation both do).
 */
export interface Availability {
  onlineUntil(t: number): number | null;
}

/** Always online. */
export const ALWAYS_ONLINE: Availability = { onlineUntil: () => Number.POSITIVE_INFINITY };

/** An exponential duration of mean `mean` seconds (one uniform). */
function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.uniform());
}

/**
 * A seeded alternating on/off process (a two-state Markov chain in continuous time): on-periods are
 * exponential of mean `meanOnS`, off-periods of mean `meanOffS`, and the client starts online with the
 * stationary probability meanOnS / (meanOnS + meanOffS). A pure function of `rng`'s stream: the periods
 * are regenerated from a fresh copy of it when a query goes back in time.
 */
export class OnOffAvailability implements Availability {
  private rng!: Rng;
  private online = false;
  private start = 0;
  private end = 0;

  constructor(
    private readonly seedRng: Rng,
    private readonly meanOnS: number,
    private readonly meanOffS: number,
  ) {
    if (!(meanOnS > 0 && Number.isFinite(meanOnS))) throw errors.option('systems.availability.meanOnS', '> 0', meanOnS);
    if (!(meanOffS > 0 && Number.isFinite(meanOffS)))
      throw errors.option('systems.availability.meanOffS', '> 0', meanOffS);
    this.reset();
  }

  private reset(): void {
    this.rng = this.seedRng.fork('on-off');
    this.online = this.rng.uniform() < this.meanOnS / (this.meanOnS + this.meanOffS);
    this.start = 0;
    this.end = exponential(this.rng, this.online ? this.meanOnS : this.meanOffS);
  }

  onlineUntil(t: number): number | null {
    if (t < this.start) this.reset();
    while (t >= this.end) {
      this.online = !this.online;
      this.start = this.end;
      this.end = this.start + exponential(this.rng, this.online ? this.meanOnS : this.meanOffS);
    }
    return this.online ? this.end : null;
  }
}

/**
 * Online during listed `[start, end)` intervals (seconds, sorted, disjoint), from a trace; with
 * `periodS` the pattern repeats every `periodS` seconds (a daily trace), otherwise the client stays
 * offline after the last interval. Touching intervals (end = next start) are one period; a period does
 * not continue across the end of a cycle, except a single interval covering the whole cycle (always on).
 */
export class IntervalAvailability implements Availability {
  constructor(
    private readonly intervals: readonly (readonly [number, number])[],
    private readonly periodS: number | null,
  ) {}

  onlineUntil(t: number): number | null {
    if (t < 0) return null;
    const p = this.periodS;
    const list = this.intervals;
    if (p !== null && list.length === 1 && list[0][0] <= 0 && list[0][1] >= p) return Number.POSITIVE_INFINITY;
    const offset = p === null ? 0 : Math.floor(t / p) * p;
    const local = t - offset;
    for (let i = 0; i < list.length; i++) {
      if (local < list[i][0] || local >= list[i][1]) continue;
      let j = i;
      while (j + 1 < list.length && list[j + 1][0] === list[j][1]) j++;
      return offset + list[j][1];
    }
    return null;
  }
}
