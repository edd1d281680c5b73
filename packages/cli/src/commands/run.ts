import type { CommandModule } from 'yargs';
import { withCommonOptions } from './common.js';

export interface RunArgs {
  config: string;
  out?: string;
  set: string[];
  seed?: number;
  kernels?: 'auto' | 'native' | 'js';
  json: boolean;
  quiet: boolean;
  'log-level': 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

/** `starling run <config> [--out DIR] [--set path=value]... [--seed N] [--json]` */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <config>',
  describe: 'run an experiment from a YAML or JSON config',
  builder: (y) =>
    withCommonOptions(y)
      .positional('config', { type: 'string', demandOption: true, describe: 'experiment file (.yaml, .yml or .json)' })
      .option('out', { type: 'string', describe: 'output folder (default runs/<name>-<time>/)' })
      .option('set', {
        type: 'string',
        array: true,
        default: [],
        describe: 'override a config key: --set algorithm.rounds=3',
      })
      .option('seed', { type: 'number', describe: 'override the seed' })
      .option('kernels', {
        choices: ['auto', 'native', 'js'] as const,
        describe: 'kernel backend (default: STARLING_KERNELS or the config)',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' }) as never,
  handler: async (args) => {
    const { runFromCli } = await import('../run/run-cli.js');
    await runFromCli(args);
  },
};
