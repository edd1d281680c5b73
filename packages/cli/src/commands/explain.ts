import { defineCommand } from './define.js';

/** `starling explain <config> [--set path=value]... [--seed N] [--kernels K] [--json]` */
export const explainCommand = defineCommand({
  command: 'explain <config>',
  describe:
    'show the plan of a run without running it: partition, placement, |lambda_2|, bytes per round, privacy, memory, kernel calls',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'experiment file (.yaml, .yml or .json)' })
      .option('set', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'override a config key: --set algorithm.rounds=3',
      })
      .option('seed', { type: 'number', describe: 'override the seed' })
      .option('kernels', {
        choices: ['auto', 'native', 'js'] as const,
        describe: 'kernel backend (default: STARLING_KERNELS or the config)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the plan as JSON' }),
  handler: async (args) => (await import('../tools/explain.js')).explainFromCli(args),
});
