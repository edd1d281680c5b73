import { errors } from '@starling/core';
import { WorkerHost } from '@starling/worker';
import pino from 'pino';
import type { WorkerArgs } from '../commands/worker.js';

/** Runs a worker host until the server says `bye` (or SIGINT/SIGTERM). */
export async function workerMain(args: WorkerArgs): Promise<void> {
  if (!/^(tcp|ipc):\/\//.test(args.connect))
    throw errors.usage(`--connect must be a tcp:// or ipc:// endpoint, got "${args.connect}"`);
  if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads >= 1)) {
    throw errors.usage(`--threads must be a positive integer, got ${args.threads}`);
  }
  const log = pino({ level: args['log-level'], base: { host: args['host-id'] } }, pino.destination(2));
  const host = new WorkerHost({ connect: args.connect, hostId: args['host-id'], threads: args.threads, log });
  const stop = () => void host.close('signal');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const reason = await host.finished;
  log.info({ reason }, 'worker host finished');
  // A refused welcome (bad config) is a config error: exit code 2.
  if (host.failure) throw host.failure;
}
