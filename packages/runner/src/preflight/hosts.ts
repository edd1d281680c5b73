import { availableParallelism } from 'node:os';
import type { RuntimeConfig } from '../config/schema-algorithm.js';
import type { RunFootprint } from './footprint.js';

/**
 * Where a runtime puts its hosts on this machine: `threads` one in-process host with a pool thread per
 * core, `processes` `workers` host processes sharing the cores, `inline` and `cluster` none here
 * (a cluster's hosts run on other machines).
 */
export function localHosts(rt: RuntimeConfig): RunFootprint['hosts'] {
  const cores = availableParallelism();
  if (rt.kind === 'threads') return { processes: 0, threadsPerProcess: cores, inProcess: true };
  if (rt.kind === 'processes') {
    return { processes: rt.workers, threadsPerProcess: Math.max(1, Math.floor(cores / rt.workers)), inProcess: false };
  }
  return { processes: 0, threadsPerProcess: 0, inProcess: false };
}

/** Bytes of the typed arrays of a data split (features and labels of train and test). */
export function dataBytes(...arrays: readonly { readonly byteLength: number }[]): number {
  return arrays.reduce((sum, a) => sum + a.byteLength, 0);
}
