import { defineCommand } from './define.js';

/** `starling sweep <config> --grid key=v1,v2 ... [--seeds 1,2,3] [--parallel N] [--out DIR]` */
export const sweepCommand = defineCommand({
  command: 'sweep <config>',
  describe: 'run a grid of an experiment over seeds (resumable) and tabulate mean ± std per cell',
  builder: (y) =>
    y
      .positional('config', {
        type: 'string',
        demandOption: true,
        describe: 'experiment file, or a sweep file (sweep: {config, grid, cells, seeds, set}; docs/cli.md)',
      })
      .option('grid', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'an axis: --grid optimizer.lr=0.1,0.05 (values are YAML; commas inside {} or [] stay)',
      })
      .option('seeds', { type: 'string', describe: 'seeds of every cell: --seeds 1,2,3 (default: the config seed)' })
      .option('parallel', { type: 'number', default: 1, describe: 'runs at a time, each its own process' })
      .option('out', { type: 'string', describe: 'sweep folder (default sweeps/<name>; run again to resume)' })
      .option('set', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'override a config key in every run: --set algorithm.rounds=3',
      })
      .option('kernels', { choices: ['auto', 'native', 'js'] as const, describe: 'kernel backend of every run' })
      .option('json', { type: 'boolean', default: false, describe: 'print the rows as JSON instead of markdown' }),
  handler: async (args) => (await import('../tools/sweep/sweep.js')).sweepFromCli(args),
});
