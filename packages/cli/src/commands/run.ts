import type { Argv } from 'yargs';
import { withCommonOptions } from './common.js';
import { defineCommand } from './define.js';

/** The options of `starling run` (and of `starling server`, which adds its own). */
export function runOptions(y: Argv) {
  return withCommonOptions(y)
    .positional('config', { type: 'string', demandOption: true, describe: 'experiment file (.yaml, .yml or .json)' })
    .option('out', { type: 'string', describe: 'output folder (default runs/<name>-<time>/)' })
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
    .option('dry-run', {
      type: 'boolean',
      default: false,
      describe: 'print the plan (as `starling explain`) and stop: nothing trained, no run folder',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' })
    .option('force', {
      type: 'boolean',
      default: false,
      describe: 'run even if the memory pre-flight projects more memory than is available',
    });
}

/** `starling run <config> [--out DIR] [--set path=value]... [--seed N] [--json]` */
export const runCommand = defineCommand({
  command: 'run <config>',
  describe: 'run an experiment from a YAML or JSON config',
  builder: runOptions,
  handler: async (args) => (await import('../tools/run.js')).runFromCli(args),
});
