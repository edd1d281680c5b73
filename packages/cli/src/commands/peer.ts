import { withHostOptions } from './common.js';
import { defineCommand } from './define.js';

/** `starling peer --connect tcp://COORDINATOR:PORT [--bind tcp://0.0.0.0:PORT] [--advertise tcp://ME:PORT] [--key FILE --server-key FILE | --insecure]`; without a key its inbox must bind loopback unless `--insecure`. */
export const peerCommand = defineCommand({
  command: 'peer',
  describe: 'run a gossip host that carries decentralized peers for a starling run or server',
  builder: (y) =>
    withHostOptions(y)
      .option('connect', {
        type: 'string',
        demandOption: true,
        describe: "the run coordinator's endpoint, e.g. tcp://10.0.0.5:7000",
      })
      .option('bind', {
        type: 'string',
        default: 'tcp://0.0.0.0:*',
        describe: 'where this host receives gossip (tcp:// or ipc://; * picks a free port)',
      })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe:
          'without --key, receive gossip in plaintext on a non-loopback --bind anyway (a warning says what that exposes)',
      })
      .option('advertise', {
        type: 'string',
        describe: 'the gossip address other hosts connect to (default: the bound one, 0.0.0.0 read as this host name)',
      }),
  handler: async (args) =>
    (await import('../tools/host.js')).hostMain('peer', {
      connect: args.connect,
      bind: args.bind,
      advertise: args.advertise,
      hostId: args.hostId,
      key: args.key,
      serverKey: args.serverKey,
      insecure: args.insecure,
      threads: args.threads,
      dataDir: args.dataDir,
      serverWaitS: args.serverWaitS,
      logLevel: args.logLevel,
    }),
});
