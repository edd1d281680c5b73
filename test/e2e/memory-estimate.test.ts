import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { bigMlpArgs } from './big-mlp-args.js';

/**
 * The memory pre-flight is an upper bound (issue 12): a run's measured peak RSS must stay under the
 * estimate it recorded in summary.json, or a run that passed the pre-flight could still exhaust memory.
 * A 784-30000-10 MLP (23.8M parameters, 95 MB per vector) makes the model-sized terms dominate the
 * fixed costs; over `threads` the estimate used to miss the shared model and float64 sum the host
 * keeps outside the V8 heap (3-4 % under the peak).
 */
const bigMlp = bigMlpArgs(30000);

describe('the memory pre-flight against the measured peak', () => {
  for (const runtime of ['inline', 'threads']) {
    // How loose the bound may be: inline measured 1.47-1.48× here (peak 800-806 MB, estimate 1,185 MB) and
    // 1.52× once in a CI run whose peak came out lower (781 MB); threads 1.09×.
    it(`${runtime}: peak RSS ≤ the estimate ≤ 1.6 × the peak, for a 95 MB model`, () => {
      const out = join(tempDir(), 'run');
      const r = starling(
        ['run', ...bigMlp, '--set', `runtime={kind: ${runtime}}`, '--out', out, '--json'],
        {},
        600_000,
      );
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout);
      expect(s.rounds).toBe(2);
      console.info(`${runtime}: peak RSS ${s.peak_rss_mb} MB, estimate ${s.memory_estimate_mb} MB`);
      expect(s.peak_rss_mb).toBeGreaterThan(500);
      expect(s.peak_rss_mb).toBeLessThanOrEqual(s.memory_estimate_mb);
      expect(s.memory_estimate_mb).toBeLessThanOrEqual(1.6 * s.peak_rss_mb);
    });
  }
});
