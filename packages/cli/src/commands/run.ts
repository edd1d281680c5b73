import type { Argv } from 'yargs';
import { withCommonOptions, withConfigOptions } from './common.js';
import { defineCommand } from './define.js';

/** The options of `starling run` (and of `starling server`, which adds its own). */
export function runOptions(y: Argv) {
  return withConfigOptions(withCommonOptions(y))
    .option('out', { type: 'string', describe: 'output folder (default runs/<name>-<time>/)' })
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
    })
    .option('dashboard', {
      type: 'string',
      describe:
        'serve a live dashboard of the run on http://127.0.0.1:PORT/ (default port 7070; 0: a free one; put it after <config> or write --dashboard=PORT)',
    });
}

/** `starling run <config> [--out DIR] [--set path=value]... [--seed N] [--json] [--dashboard [port]]` */
export const runCommand = defineCommand({
  command: 'run <config>',
  describe: 'run an experiment from a YAML or JSON config',
  builder: runOptions,
  handler: async (args) => (await import('../tools/run.js')).runFromCli(args),
});
