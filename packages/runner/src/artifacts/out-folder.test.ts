import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareOutFolder } from './out-folder.js';

const root = mkdtempSync(join(tmpdir(), 'starling-out-'));

describe('prepareOutFolder', () => {
  it('creates every missing level and reports that it did', () => {
    const path = join(root, 'a', 'b', 'c');
    expect(prepareOutFolder(path)).toBe(true);
    expect(readdirSync(path)).toEqual([]); // the write probe is gone
  });

  it('accepts an existing empty folder without claiming it', () => {
    const path = join(root, 'empty');
    mkdirSync(path);
    expect(prepareOutFolder(path)).toBe(false);
  });

  it.each([
    ['an empty path', () => '', /--out "" is empty: name a folder/],
    [
      'a path under /proc (mkdir answers ENOENT forever)',
      () => '/proc/starling-x',
      /--out "\/proc\/starling-x" cannot be created \(ENOENT/,
    ],
    [
      'a path under a regular file',
      () => {
        writeFileSync(join(root, 'file'), 'x');
        return join(root, 'file', 'run');
      },
      /cannot be created: .*file is a file, not a folder/,
    ],
    [
      'a folder that holds files',
      () => {
        mkdirSync(join(root, 'full'));
        writeFileSync(join(root, 'full', 'metrics.jsonl'), '');
        return join(root, 'full');
      },
      /exists and is not empty/,
    ],
  ])('refuses %s with a usage error naming --out, at once', (_what, path, message) => {
    const p = path();
    const t0 = performance.now();
    expect(() => prepareOutFolder(p)).toThrow(
      expect.objectContaining({ code: 'usage', message: expect.stringMatching(message) }),
    );
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  // Root writes anywhere, so only a non-root user can see a read-only folder refused.
  it.skipIf(process.getuid?.() === 0)('refuses a folder it cannot write and removes what it made', () => {
    const locked = join(root, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    expect(() => prepareOutFolder(join(locked, 'run'))).toThrow(/cannot be created \(EACCES/);
    chmodSync(locked, 0o700);
    expect(existsSync(join(locked, 'run'))).toBe(false);
  });
});
