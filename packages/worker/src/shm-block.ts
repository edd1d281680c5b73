import { errors } from '@starling/core';
import { loadShm } from '@starling/native';
import { ShmMapping, type ShmTaskConfig, slotViews } from '@starling/transport';
import type { TrainBlockResult, TrainBlockTask } from './train-block.js';

/**
 * A block task's place in the `processes` runtime's cross-process round slot (see `ShmRounds` of
 * @starling/transport): the memfd this process inherited and the task's `shm` config. The task's `out`
 * and `reduce` are then left empty by the host (an external mapping cannot be sent to a pool thread) and
 * made here, in the pool thread, from its own mapping of the same memfd.
 */
export interface ShmBlock {
  readonly fd: number;
  readonly config: ShmTaskConfig;
  /** Shared claims when the same task runs on several pool threads (`TrainBlockTask.reduce.claim`). */
  readonly claim?: Int32Array;
}

/** This thread's mappings, by fd. */
const mappings = new Map<number, ShmMapping>();

/**
 * `task` with `out` (the block's Δ slots) and `reduce` (the round's chain in the slot) made from this
 * thread's mapping of `task.shm`; `task` itself without `shm`.
 */
export function attachShm(task: TrainBlockTask): TrainBlockTask {
  const block = task.shm;
  if (!block) return task;
  const addon = loadShm().addon;
  if (!addon) throw errors.runtime(`shared memory is not available in this pool thread: ${loadShm().reason}`);
  let mapping = mappings.get(block.fd);
  if (!mapping) mappings.set(block.fd, (mapping = new ShmMapping(addon, block.fd)));
  const c = block.config;
  const v = slotViews(mapping.at(c.bytes), c.base, c.cap, c.p, c.n);
  const chain = { acc: v.acc, mean: v.mean, ctrl: v.ctrl, weights: v.weights, backend: c.backend };
  return {
    ...task,
    out: v.deltas.subarray(c.index * c.p, (c.index + c.count) * c.p),
    reduce: { chain, deltas: v.deltas, index: c.index, ...(block.claim ? { claim: block.claim } : {}) },
  };
}

/** An empty Δ: results of a cross-process block leave their Δs in the slot. */
export const NO_DELTA = new Float32Array(0);

/**
 * `result` as the pool thread posts it back: for a `task.shm` block without the Δ views, which live in an
 * external mapping that posting would copy whole (the host sends each node's slot reference instead).
 */
export function detachShm(task: TrainBlockTask, result: TrainBlockResult): TrainBlockResult {
  if (!task.shm) return result;
  return { ...result, results: result.results.map((r) => ({ ...r, delta: NO_DELTA })) };
}
