import { describe, expect, it } from 'vitest';
import { verdictText } from './verify-cli.js';
import type { VerifyResult } from './verify-run.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const base: VerifyResult = {
  identical: true,
  run: '/r',
  name: 'x',
  rerun_sha256: A,
  summary_sha256: A,
  model_file_sha256: A,
  differs: [],
  rounds: 3,
  runtime: 'inline',
  recorded_runtime: 'inline',
  backend: 'native',
  recorded_backend: 'native',
  simd: 'avx2',
  recorded_simd: 'avx512',
  rerun_out: null,
  wall_s: 1,
  notes: [],
};

describe('verdictText', () => {
  it('prints the hash on one line when identical', () => {
    expect(verdictText(base)).toBe(`identical: model_sha256 ${A} (x, 3 rounds, inline, native/avx2)\n`);
  });

  it('names the file that differs and prints all three hashes', () => {
    const text = verdictText({
      ...base,
      identical: false,
      model_file_sha256: B,
      differs: ['model.bin'],
      rerun_out: '/t',
    });
    expect(text).toContain(`re-run model.bin          ${A}\n`);
    expect(text).toContain(`summary.json model_sha256 ${A}\n`);
    expect(text).toContain(`model.bin in the folder   ${B}  <- differs\n`);
    expect(text).toContain('re-run kept in /t');
    expect(text.startsWith('differs:')).toBe(true);
  });
});
