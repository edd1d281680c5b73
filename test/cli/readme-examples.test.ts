import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, starling } from './cli-helpers.js';

/** README lines `npx -y pnpm@10.34.8 starling <args>   # <what it prints>` that state numbers. */
const examples = readFileSync(join(repo, 'README.md'), 'utf8')
  .split('\n')
  .map((line) => /^npx -y pnpm@[\d.]+ starling ([^#']+?)\s+#\s*(.+)$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null && /\d\.\d/.test(m[2]))
  .map((m) => ({ args: m[1].trim().split(/\s+/), said: m[2] }));

describe('the README examples print what the README says', () => {
  it('finds the tool examples', () => {
    expect(examples.map((e) => e.args.slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining(['topology inspect', 'privacy epsilon', 'privacy sigma']),
    );
  });

  it.each(examples)('starling $args.0 $args.1 ... prints $said', ({ args, said }) => {
    const r = starling(args);
    expect(r.code, r.stderr).toBe(0);
    for (const number of said.match(/\d+\.\d+/g) ?? []) expect(r.stdout).toContain(number);
  });
});
