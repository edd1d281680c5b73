import { StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import type { RunFootprint } from './footprint.js';
import { estimateMemory, PROCESS_BASE_BYTES, THREAD_BASE_BYTES } from './memory-estimate.js';
import { checkMemory } from './preflight.js';

const MB = 2 ** 20;
const inline: RunFootprint = {
  params: 1_000_000,
  dataBytes: 40 * MB,
  clients: 1000,
  clientsWithState: 300,
  stateVectorsPerClient: 2,
  serverVectors: 12,
  executorVectors: 4,
  hosts: { processes: 0, threadsPerProcess: 0, inProcess: false },
};

describe('the memory pre-flight', () => {
  it('prices each part from the footprint: one data copy and one executor inline', () => {
    const e = estimateMemory(inline);
    const vector = 4e6;
    expect(e.parts.runtime).toBe(PROCESS_BASE_BYTES);
    expect(e.parts.data).toBe(40 * MB);
    expect(e.parts.server).toBeCloseTo(12 * vector * 1.25);
    expect(e.parts.executors).toBeCloseTo(4 * vector * 1.25);
    expect(e.parts.client_state).toBeCloseTo(300 * 2 * vector * 1.25);
    expect(e.totalBytes).toBeCloseTo(Object.values(e.parts).reduce((a, b) => a + b, 0));
  });

  it('counts a data copy, an executor and a thread per pool thread of every host process', () => {
    const two = estimateMemory({ ...inline, hosts: { processes: 2, threadsPerProcess: 3, inProcess: false } });
    const one = estimateMemory(inline);
    expect(two.parts.data).toBe(7 * 40 * MB);
    expect(two.parts.executors).toBeCloseTo(7 * one.parts.executors);
    expect(two.parts.runtime).toBe(3 * PROCESS_BASE_BYTES + 6 * THREAD_BASE_BYTES);
  });

  it('refuses a run over the available memory with the estimate and its parts, unless forced', () => {
    const total = estimateMemory(inline).totalBytes;
    const refuse = () => checkMemory(inline, false, total - 1);
    expect(refuse).toThrow(StarlingError);
    expect(refuse).toThrow(/needs about \d+ MB \(.*client state \d+ MB.*\) but \d+ MB are available.*--force/);
    try {
      refuse();
    } catch (err) {
      expect((err as StarlingError).code).toBe('resources');
    }
    expect(checkMemory(inline, true, total - 1)).toMatchObject({ forced: true, estimate_mb: Math.round(total / MB) });
    expect(checkMemory(inline, false, total + 1).forced).toBe(false);
  });
});
