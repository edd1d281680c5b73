import { AsyncLoop, type AsyncLoopOptions } from './async-loop.js';
import { AsyncServer } from './async-server.js';
import type { AsyncRunReport, AsyncServerOptions, AsyncUpdateCallback } from './async-server-options.js';

/**
 * Runs FedAsync or FedBuff over a ZeroMQ ROUTER until `loop.rounds` server model updates were applied
 * (see `AsyncServer` and `AsyncLoop`; docs/async.md, "Over sockets"). Arrival order is real, so the
 * model bits vary from run to run; the number of updates and their accounting do not.
 * @param onUpdate called with each server model update, its socket traffic and the model; awaited
 */
export function runAsyncServer(
  loop: AsyncLoopOptions,
  opts: AsyncServerOptions,
  onUpdate: AsyncUpdateCallback,
): Promise<AsyncRunReport> {
  return new AsyncServer(new AsyncLoop(loop), loop.clients, opts, onUpdate).run();
}
