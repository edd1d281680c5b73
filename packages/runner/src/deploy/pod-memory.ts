import type { ExperimentConfig } from '../config/schema.js';
import type { FootprintContext } from '../drivers/driver.js';
import { federatedFootprint } from '../drivers/federated/footprint.js';
import { gossipFootprint } from '../drivers/gossip/footprint.js';
import type { RunFootprint } from '../preflight/footprint.js';
import { estimateMemory } from '../preflight/memory-estimate.js';
import { mb } from '../preflight/preflight.js';

const NO_HOSTS: RunFootprint['hosts'] = { processes: 0, threadsPerProcess: 0, inProcess: false };

/** Memory requests of a cluster run's pods, in MB (2^20 bytes), from the run's pre-flight estimate. */
export interface PodMemory {
  /**
   * The parameter server's (or gossip coordinator's) pod: exactly the `memory.estimate_mb` the run
   * records in meta.json for a cluster runtime (the estimate with no hosts on the coordinating machine).
   */
  readonly coordinatorMb: number;
  /** One worker or peer host pod: one process, its pool threads and its share of client state. */
  readonly hostMb: number;
}

/**
 * Splits the run's memory estimate ({@link estimateMemory}, the function behind meta.json's
 * `memory.estimate_mb`) between the coordinating pod and each of `hosts` host pods running `threads`
 * pool threads. A host's part is the estimate's own difference between a run with one such host
 * process and a run with none (no server vectors, its `1/hosts` share of the clients with state), so
 * the per-process, per-thread, data and executor costs come from the estimate, not from a second model.
 * Loads the config's data set (as the run's pre-flight does) to price it.
 */
export function podMemory(
  cfg: ExperimentConfig,
  family: 'federated' | 'gossip',
  baseDir: string,
  hosts: number,
  threads: number,
): PodMemory {
  const ctx: FootprintContext = { cfg, hostKernels: 'native', baseDir };
  const f = family === 'federated' ? federatedFootprint(ctx) : gossipFootprint(ctx);
  const coordinator = estimateMemory({ ...f, hosts: NO_HOSTS });
  const hostOnly = { ...f, serverVectors: 0, clientsWithState: Math.ceil(f.clientsWithState / hosts) };
  const withHost = estimateMemory({
    ...hostOnly,
    hosts: { processes: 1, threadsPerProcess: threads, inProcess: false },
  });
  const without = estimateMemory({ ...hostOnly, clientsWithState: 0, hosts: NO_HOSTS });
  return { coordinatorMb: mb(coordinator.totalBytes), hostMb: mb(withHost.totalBytes - without.totalBytes) };
}
