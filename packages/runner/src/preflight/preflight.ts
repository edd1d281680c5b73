import { StarlingError } from '@starling/core';
import type { RunFootprint } from './footprint.js';
import { availableMemory, estimateMemory, type MemoryEstimate } from './memory-estimate.js';

const MB = 2 ** 20;
/** Bytes to MB (2^20 bytes), rounded to the nearest: the unit of `estimate_mb` in meta.json. */
export const mb = (bytes: number): number => Math.round(bytes / MB);

/** The memory check of a run, as recorded in meta.json (`memory`) and summary.json. */
export interface MemoryPlan {
  readonly estimate_mb: number;
  readonly available_mb: number;
  /** The estimate by what holds it (runtime, data, server, executors, client_state), in MB. */
  readonly parts_mb: Readonly<Record<string, number>>;
  /** True when the run went ahead over the estimate because it was forced. */
  readonly forced: boolean;
}

function describe(e: MemoryEstimate): string {
  return Object.entries(e.parts)
    .filter(([, bytes]) => bytes >= MB)
    .map(([part, bytes]) => `${part.replace('_', ' ')} ${mb(bytes)} MB`)
    .join(', ');
}

/**
 * The pre-flight memory check before round 0: projects the run's peak memory from its footprint and
 * refuses (a `resources` error, exit code 2) when it exceeds what the machine has available, unless
 * `force`. Returns what meta.json and summary.json record.
 */
export function checkMemory(f: RunFootprint, force: boolean, available = availableMemory()): MemoryPlan {
  const e = estimateMemory(f);
  if (e.totalBytes > available && !force) {
    throw new StarlingError(
      'resources',
      `the run needs about ${mb(e.totalBytes)} MB (${describe(e)}) but ${mb(available)} MB are available; ` +
        'use fewer clients or peers, a smaller model, fewer worker processes, or --force to run anyway',
    );
  }
  return {
    estimate_mb: mb(e.totalBytes),
    available_mb: mb(available),
    parts_mb: Object.fromEntries(Object.entries(e.parts).map(([k, v]) => [k, mb(v)])),
    forced: e.totalBytes > available,
  };
}
