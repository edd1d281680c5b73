import { errors } from '@starling/core';
import { ENDPOINT_PATTERN } from '@starling/transport';
import { GossipHost } from '@starling/worker';
import pino from 'pino';
import type { PeerArgs } from '../commands/peer.js';

/** Runs a gossip host until the coordinator says `bye` (or every peer finished without it, or SIGINT/SIGTERM). */
export async function peerMain(args: PeerArgs): Promise<void> {
  for (const [flag, value] of [
    ['--connect', args.connect],
    ['--bind', args.bind],
    ['--advertise', args.advertise],
  ] as const) {
    if (value !== undefined && !ENDPOINT_PATTERN.test(value))
      throw errors.usage(`${flag} must be a tcp:// or ipc:// endpoint, got "${value}"`);
  }
  if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads >= 1)) {
    throw errors.usage(`--threads must be a positive integer, got ${args.threads}`);
  }
  const log = pino({ level: args['log-level'], base: { host: args['host-id'] } }, pino.destination(2));
  const host = await GossipHost.start({
    connect: args.connect,
    bind: args.bind,
    advertise: args.advertise,
    hostId: args['host-id'],
    threads: args.threads,
    log,
  });
  const stop = () => void host.close('signal');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const reason = await host.finished;
  log.info({ reason }, 'gossip host finished');
  // A refused welcome (bad config) is a config error: exit code 2.
  if (host.failure) throw host.failure;
}
