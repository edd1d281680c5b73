import type { Argv, CommandModule } from 'yargs';
import type { RunArgs } from './run.js';
import { runCommand } from './run.js';

export interface ServerArgs extends RunArgs {
  bind: string;
  hosts: number;
}

/** `starling server <config> --bind tcp://*:PORT --hosts N`: the run's parameter server for remote worker hosts. */
export const serverCommand: CommandModule<object, ServerArgs> = {
  command: 'server <config>',
  describe: 'run an experiment as a parameter server that waits for `starling worker` hosts',
  builder: (y) =>
    (runCommand.builder as (y: Argv) => Argv)(y)
      .option('bind', { type: 'string', default: 'tcp://*:7000', describe: 'endpoint to listen on' })
      .option('hosts', { type: 'number', default: 1, describe: 'worker hosts to wait for before round 0' }) as never,
  handler: async (args) => {
    const { runFromCli } = await import('../run/run-cli.js');
    const runtime = `runtime={kind: cluster, bind: "${args.bind}", hosts: ${args.hosts}}`;
    await runFromCli({ ...args, set: [...args.set, runtime] });
  },
};
