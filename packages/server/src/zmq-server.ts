import { ParameterServer } from './parameter-server/parameter-server.js';
import type { RoundCallback } from './parameter-server/round-reporter.js';
import type { ZmqRunReport, ZmqServerOptions } from './parameter-server/server-options.js';
import type { RoundMachine } from './round-machine.js';

/**
 * Runs the parameter server over a ZeroMQ ROUTER until the round machine finishes: a thin wrapper
 * over `new ParameterServer(machine, nodeIds, opts, onRound).run()` (see `ParameterServer`).
 * @param nodeIds every node id of the run, split over the worker hosts in contiguous blocks
 * @param onRound called with each closed round and its traffic; the next round waits for it
 * @param onServer given the server before it binds (run checkpoints call its `collectNodeState`)
 */
export function runZmqServer(
  machine: RoundMachine,
  nodeIds: readonly number[],
  opts: ZmqServerOptions,
  onRound: RoundCallback,
  onServer?: (server: ParameterServer) => void,
): Promise<ZmqRunReport> {
  const server = new ParameterServer(machine, nodeIds, opts, onRound);
  onServer?.(server);
  return server.run();
}
