// The bare pool loop that `pnpm bench fedavg-round` reports as the machine's ceiling for issue 12
// (bench/pool-rounds-probe.mjs, POOL_ROUNDS_JSON mode): it must keep running the real pool code as the packages
// change, and its "same order" row must really be today's order: two pool threads claiming nodes from one
// counter end on the model bits of one thread training every node in turn, and the grouped sum on others.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PROBE = fileURLToPath(new URL('../../bench/pool-rounds-probe.mjs', import.meta.url));

interface Variant {
  readonly variant: string;
  readonly round_ms: number[];
  readonly model_sha256: string;
}

function probe(variants: string, rounds: string) {
  return spawnSync(process.execPath, [PROBE, rounds], {
    encoding: 'utf8',
    env: { ...process.env, POOL_ROUNDS_JSON: variants },
    timeout: 120_000,
  });
}

describe('the bench ceiling: bench/pool-rounds-probe.mjs', () => {
  it('two pool threads give the bits of one (the chain keeps the order); the grouped sum gives others', () => {
    const r = probe('one,two,grouped', '4');
    expect(r.status, r.stderr).toBe(0);
    const out: Variant[] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((v) => v.variant)).toEqual(['one', 'two', 'grouped']);
    for (const v of out) {
      expect(v.round_ms).toHaveLength(3); // rounds 1-3 of 0-3
      for (const ms of v.round_ms) expect(ms).toBeGreaterThan(0);
      expect(v.model_sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const [one, two, grouped] = out;
    expect(two.model_sha256).toBe(one.model_sha256);
    expect(grouped.model_sha256).not.toBe(one.model_sha256);
  }, 120_000);

  it('refuses an unknown variant or a round count below 2 with exit 2, naming it', () => {
    const bad = probe('two,three', '4');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown variant three');
    const few = probe('two', '1');
    expect(few.status).toBe(2);
    expect(few.stderr).toContain('rounds must be an integer >= 2, got 1');
  });
});
