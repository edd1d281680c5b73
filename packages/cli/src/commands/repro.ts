import type { CommandModule } from 'yargs';
import { withCommonOptions } from './common.js';
import { defineCommand } from './define.js';

const verify = defineCommand({
  command: 'verify <run>',
  describe:
    're-run a finished run from its folder and check that the model bits are identical (exit 0), or say which differ (exit 1)',
  builder: (y) =>
    withCommonOptions(y)
      .positional('run', { type: 'string', demandOption: true, describe: 'the run folder (of a completed run)' })
      .option('runtime', {
        choices: ['inline', 'threads', 'processes'] as const,
        describe: 'runtime of the re-run (default: the one the run used)',
      })
      .option('kernels', {
        choices: ['js', 'native'] as const,
        describe: 'kernel backend of the re-run (default: the one the run recorded; another one gives other bits)',
      })
      .option('keep', {
        type: 'boolean',
        default: false,
        describe: "keep the re-run's folder (always kept when bits differ)",
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' }),
  handler: async (args) => (await import('../tools/repro/verify-cli.js')).verifyFromCli(args),
});

/** `starling repro <verb>` */
export const reproCommand: CommandModule = {
  command: 'repro <command>',
  describe: 'reproduce finished runs',
  builder: (y) => y.command(verify).demandCommand(1),
  handler: () => {},
};
