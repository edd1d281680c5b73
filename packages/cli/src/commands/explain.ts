import { withConfigOptions } from './common.js';
import { defineCommand } from './define.js';

/** `starling explain <config> [--set path=value]... [--seed N] [--kernels K] [--json]` */
export const explainCommand = defineCommand({
  command: 'explain <config>',
  describe:
    'show the plan of a run without running it: partition, placement, |lambda_2|, bytes per round, privacy, memory, kernel calls',
  builder: (y) =>
    withConfigOptions(y).option('json', { type: 'boolean', default: false, describe: 'print the plan as JSON' }),
  handler: async (args) => (await import('../tools/explain.js')).explainFromCli(args),
});
