import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadShm } from '@starling/native';
import { describe, expect, it } from 'vitest';

const shm = loadShm().addon;
const N = 200_000;

/**
 * One child process: maps the memfd it inherited as fd 3 and, N times, (a) `Atomics.add`s word 0, (b)
 * increments word 1 by an `Atomics.compareExchange` retry loop, (c) increments word 3 with a plain
 * read-modify-write under a spin lock on word 2 taken by `compareExchange` and released by `store`
 * (the pattern of `markAndDrain` and the slot lock), (d) increments word 4 with no atomics at all. Both
 * children wait for each other on word 5 first, so that they count at the same time when cores allow.
 */
const CHILD = `
const shm = require(process.argv[1]);
const w = new Int32Array(shm.map(3, 4096));
const n = ${N};
// a start barrier on word 5: both children are running before either starts counting
Atomics.add(w, 5, 1);
while (Atomics.load(w, 5) < 2);
for (let i = 0; i < n; i++) {
  Atomics.add(w, 0, 1);
  for (;;) { const v = Atomics.load(w, 1); if (Atomics.compareExchange(w, 1, v, v + 1) === v) break; }
  while (Atomics.compareExchange(w, 2, 0, 1) !== 0);
  w[3] = w[3] + 1;
  Atomics.store(w, 2, 0);
  w[4] = w[4] + 1;
}
`;

describe.skipIf(shm === null)('V8 Atomics on a memfd mapping (an external, non-shared ArrayBuffer)', () => {
  it('are atomic between two processes: no increment is lost, while plain increments are', async () => {
    if (!shm) return;
    const fd = shm.create('atomics-test', 4096);
    const words = new Int32Array(shm.map(fd, 4096));
    const addonPath = join(
      fileURLToPath(new URL('../..', import.meta.url)),
      'packages/native/build/Release/starling_shm.node',
    );
    let lost = 0;
    // Plain increments lose updates only when the two children really overlap (a loaded machine may run
    // them one after the other despite the barrier); repeat until they did.
    for (let attempt = 0; attempt < 20 && lost === 0; attempt++) {
      words.fill(0);
      const children = [0, 1].map(() =>
        spawn(process.execPath, ['-e', CHILD, addonPath], { stdio: ['ignore', 'ignore', 'inherit', fd] }),
      );
      const codes = await Promise.all(children.map((c) => new Promise((r) => c.on('exit', r))));
      expect(codes).toEqual([0, 0]);
      expect(words[0]).toBe(2 * N);
      expect(words[1]).toBe(2 * N);
      expect(words[3]).toBe(2 * N);
      lost = 2 * N - words[4];
    }
    shm.close(fd);
    // The control: without atomics the two processes did race (so the checks above could have failed).
    expect(lost).toBeGreaterThan(0);
  }, 120_000);

  it('the native cas and add agree with Atomics on the same words', () => {
    if (!shm) return;
    const fd = shm.create('atomics-native', 4096);
    const buffer = shm.map(fd, 4096);
    const w = new Int32Array(buffer);
    expect(shm.add(buffer, 5, 3)).toBe(0);
    expect(Atomics.load(w, 5)).toBe(3);
    expect(shm.cas(buffer, 5, 3, 7)).toBe(3);
    expect(shm.cas(buffer, 5, 3, 9)).toBe(7);
    expect(w[5]).toBe(7);
    expect(() => shm.add(buffer, 1024, 1)).toThrow(/out of range/);
    shm.close(fd);
  });
});
