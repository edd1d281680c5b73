import { withHostOptions } from './common.js';
import { defineCommand } from './define.js';

/** `starling worker --connect tcp://HOST:PORT [--threads N] [--host-id ID] [--key FILE --server-key FILE]` */
export const workerCommand = defineCommand({
  command: 'worker',
  describe: 'run a worker host that trains virtual nodes for a starling server',
  builder: (y) =>
    withHostOptions(y).option('connect', {
      type: 'string',
      demandOption: true,
      describe: 'server endpoint, e.g. tcp://10.0.0.5:7000',
    }),
  handler: async (args) =>
    (await import('../tools/host.js')).hostMain('worker', {
      connect: args.connect,
      hostId: args.hostId,
      key: args.key,
      serverKey: args.serverKey,
      threads: args.threads,
      serverWaitS: args.serverWaitS,
      logLevel: args.logLevel,
    }),
});
