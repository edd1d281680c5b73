import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// Library packages: everything but the CLI, which is the edge where time and argv are allowed (it passes
// the run's start time to the run layer).
const libraries = ['core', 'native', 'topologies', 'transport', 'server', 'worker', 'runner'];
const forbidden = [
  /\bMath\.random\s*\(/,
  /\bDate\.now\s*\(/,
  /\bnew Date\s*\(\s*\)/,
  /\brandomUUID\s*\(/,
  /\brandomBytes\s*\(/,
  /\bgetRandomValues\s*\(/,
];
// A line may opt out with a reason, e.g. the opt-in `noise: secure` DP mode.
const allow = /starling-allow-entropy:\s*\S/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|cc|h)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('library code takes randomness and time only from injected sources', () => {
  it.each(libraries)('packages/%s/src has no Math.random, Date.now or unseeded crypto', (pkg) => {
    const offenders: string[] = [];
    for (const file of sources(join(root, 'packages', pkg, 'src'))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (forbidden.some((re) => re.test(line)) && !allow.test(line)) {
            offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(offenders).toEqual([]);
  });

  it('the scanner itself catches a planted call', () => {
    const planted = ['const x = Math.random();', 'const t = Date.now();', 'crypto.randomUUID()'];
    for (const line of planted) expect(forbidden.some((re) => re.test(line))).toBe(true);
  });
});
