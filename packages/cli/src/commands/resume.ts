import type { Argv } from 'yargs';
import { withCommonOptions } from './common.js';
import { defineCommand } from './define.js';

/** The options of `starling resume`: those of `run` that apply to a run folder that already exists. */
export function resumeOptions(y: Argv) {
  return withCommonOptions(y)
    .positional('run', { type: 'string', demandOption: true, describe: 'the run folder to continue' })
    .option('kernels', {
      choices: ['auto', 'native', 'js'] as const,
      describe: 'kernel backend (default: the one the run recorded; another one gives other bits)',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' })
    .option('force', {
      type: 'boolean',
      default: false,
      describe: 'run even if the memory pre-flight projects more memory than is available',
    });
}

/** `starling resume <run> [--kernels K] [--json] [--quiet] [--force]` */
export const resumeCommand = defineCommand({
  command: 'resume <run>',
  describe: 'continue an interrupted run from its newest valid checkpoint',
  builder: resumeOptions,
  handler: async (args) => (await import('../tools/resume.js')).resumeFromCli(args),
});
