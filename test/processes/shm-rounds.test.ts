import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadShm } from '@starling/native';
import { joinSlot, leaveSlot, markAndDrain, SharedLane, ShmRounds, slotViews } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { alive } from '../e2e/e2e-helpers.js';

const shm = loadShm().addon;
const P = 5;
const ORDER = [3, 4, 7, 8];
const WEIGHTS = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
const ADDON = join(fileURLToPath(new URL('../..', import.meta.url)), 'packages/native/build/Release/starling_shm.node');

/** A child process that joins the slot at byte `base` for `round` through its inherited fd 3 and exits at once. */
async function joinAndDie(fd: number, base: number, round: number, bytes: number): Promise<number> {
  const script = `
    const shm = require(process.argv[1]);
    const w = new Int32Array(shm.map(3, ${bytes}), ${base}, 16);
    while (Atomics.compareExchange(w, 0, 0, 1) !== 0);
    if (Atomics.load(w, 2) === ${round}) { Atomics.store(w, 4, process.pid); Atomics.add(w, 1, 1); }
    Atomics.store(w, 0, 0);
    process.stdout.write(String(process.pid));`;
  const child = spawn(process.execPath, ['-e', script, ADDON], { stdio: ['ignore', 'pipe', 'inherit', fd] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  await new Promise((r) => child.on('exit', r));
  return Number(out);
}

describe.skipIf(shm === null)('ShmRounds: the processes runtime slots in a memfd', () => {
  it('hands each contiguous host share a config, adds in order, vouches ready Δs only', () => {
    if (!shm) return;
    const rounds = new ShmRounds(shm, alive);
    const lane = new SharedLane(rounds);
    const red = lane.openRoundReduction(2, ORDER, WEIGHTS, P, 'js');
    expect(red).not.toBeNull();
    const a = lane.taskConfig(2, [3, 4]);
    const b = lane.taskConfig(2, [7, 8]);
    expect(a?.index).toBe(0);
    expect(b?.index).toBe(2);
    expect(lane.taskConfig(2, [4, 8])).toBeNull(); // not a contiguous run of the order: by copy
    expect(lane.taskConfig(3, [3, 4])).toBeNull(); // another round
    if (!a || !b || !red) return;
    // the hosts' view: the same slot through another mapping of the same memfd
    const v = slotViews(shm.map(rounds.fd, a.bytes), a.base, a.cap, a.p, a.n);
    expect(joinSlot(v.words, 2, 111)).toBe(true);
    const chain = { acc: v.acc, ctrl: v.ctrl, weights: v.weights, backend: 'js' };
    const add = (i: number) => {
      for (let k = 0; k < P; k++) v.acc[k] += v.weights[i] * v.deltas[i * P + k];
    };
    for (let i = 0; i < 4; i++) v.deltas.subarray(i * P, (i + 1) * P).fill(i + 1);
    // node 7 (index 2) first: nothing is added until 0 and 1 are in
    markAndDrain(chain, 2, true, add);
    expect(red.claimed(2)).toBe(true);
    expect(red.acc[0]).toBe(0);
    markAndDrain(chain, 0, true, add);
    markAndDrain(chain, 1, true, add);
    expect(red.complete()).toBe(false);
    markAndDrain(chain, 3, true, add);
    expect(red.complete()).toBe(true);
    let want = 0;
    for (let i = 0; i < 4; i++) want += WEIGHTS[i] * (i + 1);
    expect(red.acc[0]).toBe(want);
    // references resolve to the slot's Δs; a ready one is vouched finite, a wrong length is not
    const first = (a.base + (v.deltas.byteOffset - a.base)) / 4;
    const ref = lane.reference(a.arena, first + 2 * P, P);
    expect(Array.from(lane.resolve(ref))).toEqual([3, 3, 3, 3, 3]);
    expect(lane.isVouched(ref)).toBe(true);
    expect(lane.isVouched(lane.reference(a.arena, first + 2 * P, P - 1))).toBe(false);
    leaveSlot(v.words, 111);
    red.release();
  });

  it('a slot is reused only when nobody holds it; a dead process holding it is let go; late joins are refused', async () => {
    if (!shm) return;
    const rounds = new ShmRounds(shm, alive);
    const r0 = rounds.openRound(0, ORDER, WEIGHTS, P, 'js');
    const c0 = rounds.taskConfig(0, ORDER, 0);
    if (!r0 || !c0) throw new Error('no slot');
    const pid = await joinAndDie(rounds.fd, c0.base, 0, c0.bytes);
    expect(pid).toBeGreaterThan(0);
    r0.release();
    // round 1: slot 0 is held by the (now dead) child until the server checks; a live holder keeps it
    const v = slotViews(shm.map(rounds.fd, c0.bytes), c0.base, c0.cap, P, 4);
    const r1 = rounds.openRound(1, ORDER, WEIGHTS, P, 'js');
    const c1 = rounds.taskConfig(1, ORDER, 0);
    expect(c1?.base).toBe(c0.base); // the dead child's hold was dropped: same slot, reopened
    expect(joinSlot(v.words, 0, 222)).toBe(false); // a late host of round 0 may not write into round 1
    expect(joinSlot(v.words, 1, process.pid)).toBe(true);
    r1?.release();
    const r2 = rounds.openRound(2, ORDER, WEIGHTS, P, 'js');
    expect(rounds.taskConfig(2, ORDER, 0)?.base).not.toBe(c0.base); // still held by a live process: a new slot
    leaveSlot(v.words, process.pid);
    r2?.release();
    for (let round = 3; round < 12; round++) {
      const r = rounds.openRound(round, ORDER, WEIGHTS, P, 'js');
      expect(r).not.toBeNull(); // released slots come back: no growth without bound
      r?.release();
    }
    expect(shm.size(rounds.fd)).toBe(2 * (c0.bytes - c0.base));
    // a round whose slot would take the region past 4 GiB (u32 float offsets) takes the exact path
    expect(rounds.openRound(12, [0, 1], Float64Array.of(0.5, 0.5), 2 ** 28, 'js')).toBeNull();
    expect(shm.size(rounds.fd)).toBe(2 * (c0.bytes - c0.base));
  });
});
