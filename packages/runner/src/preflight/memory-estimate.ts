import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import type { RunFootprint } from './footprint.js';

/** A Node.js process with Starling's modules loaded, the native addon and the transient of parsing the bundled digits (measured: 150-200 MB peak RSS). */
export const PROCESS_BASE_BYTES = 160 * 2 ** 20;
/** A piscina pool thread with its own V8 isolate, module graph and data parse (measured: 40-60 MB each). */
export const THREAD_BASE_BYTES = 60 * 2 ** 20;
/**
 * Model-sized float32 vectors a host with pool threads keeps in shared memory: the round's model, a float64
 * sum (two) and the sum rounded to float32 by the pool threads.
 */
const SHARED_VECTORS = 4;
/** V8 keeps this much headroom over live typed arrays before collecting (young generation, fragmentation). */
const HEAP_SLACK = 1.25;

/** The run's projected peak memory, in bytes, split by what holds it. */
export interface MemoryEstimate {
  readonly totalBytes: number;
  readonly parts: Readonly<Record<string, number>>;
}

/**
 * Projects a run's peak resident memory (all its processes together) from its footprint: the data set
 * once per process and pool thread that loads it, model-sized vectors for the server, every executor
 * and every client's persistent state, the shared model and sum of hosts with pool threads, plus a
 * fixed cost per process and thread. An upper-bound
 * model, checked against measured peak RSS in docs/runtimes.md.
 */
export function estimateMemory(f: RunFootprint): MemoryEstimate {
  const vector = f.params * 4;
  const { processes, threadsPerProcess, inProcess } = f.hosts;
  // The coordinating process loads the data once; every pool thread loads it again.
  const poolThreads = (processes + (inProcess ? 1 : 0)) * threadsPerProcess;
  const dataCopies = 1 + poolThreads;
  const executors = 1 + poolThreads;
  const parts = {
    runtime: PROCESS_BASE_BYTES * (1 + processes) + THREAD_BASE_BYTES * poolThreads,
    data: f.dataBytes * dataCopies,
    server: vector * f.serverVectors * HEAP_SLACK,
    executors: (vector * f.executorVectors + 4 * (f.executorWorkFloats ?? 0)) * executors * HEAP_SLACK,
    client_state: vector * f.stateVectorsPerClient * f.clientsWithState * HEAP_SLACK,
    // Hosts with pool threads share the round's model with them and reduce into a float64 sum in shared
    // memory (SharedTaskModel, SharedReduction; for worker processes the memfd slot's model area, sum
    // and rounded sum): four vectors outside the V8 heap (three before the rounded sum). Without them a
    // threads run's estimate fell 3-4 % under its measured peak RSS (23.8M and 51.7M parameters,
    // docs/runtimes.md "Big models over processes").
    shared: poolThreads > 0 ? vector * SHARED_VECTORS : 0,
  };
  const totalBytes = Object.values(parts).reduce((a, b) => a + b, 0);
  return { totalBytes, parts };
}

/** Memory the kernel says can be used without swapping (`MemAvailable`), or free memory elsewhere. */
export function availableMemory(): number {
  try {
    const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return freemem();
}
