import type { CommandModule } from 'yargs';

export interface PeerArgs {
  connect: string;
  bind: string;
  advertise?: string;
  'host-id'?: string;
  threads?: number;
  'log-level': 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

/** `starling peer --connect tcp://COORDINATOR:PORT [--bind tcp://0.0.0.0:PORT] [--advertise tcp://ME:PORT]` */
export const peerCommand: CommandModule<object, PeerArgs> = {
  command: 'peer',
  describe: 'run a gossip host that carries decentralized peers for a starling run or server',
  builder: (y) =>
    y
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
      .option('advertise', {
        type: 'string',
        describe: 'the gossip address other hosts connect to (default: the bound one, 0.0.0.0 read as this host name)',
      })
      .option('host-id', { type: 'string', describe: 'unique host id (default <hostname>-<pid>)' })
      .option('threads', { type: 'number', describe: 'training threads (default: all cores)' })
      .option('log-level', {
        choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const,
        default: 'warn' as const,
        describe: 'level of the JSON log on stderr',
      }) as never,
  handler: async (args) => (await import('../tools/peer.js')).peerMain(args),
};
