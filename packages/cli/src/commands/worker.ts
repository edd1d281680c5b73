import type { CommandModule } from 'yargs';

export interface WorkerArgs {
  connect: string;
  'host-id'?: string;
  threads?: number;
  'log-level': 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

/** `starling worker --connect tcp://HOST:PORT [--threads N] [--host-id ID]` */
export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'run a worker host that trains virtual nodes for a starling server',
  builder: (y) =>
    y
      .option('connect', { type: 'string', demandOption: true, describe: 'server endpoint, e.g. tcp://10.0.0.5:7000' })
      .option('host-id', { type: 'string', describe: 'unique host id (default <hostname>-<pid>)' })
      .option('threads', { type: 'number', describe: 'training threads (default: all cores)' })
      .option('log-level', {
        choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const,
        default: 'warn' as const,
        describe: 'level of the JSON log on stderr',
      }) as never,
  handler: async (args) => (await import('../tools/worker.js')).workerMain(args),
};
