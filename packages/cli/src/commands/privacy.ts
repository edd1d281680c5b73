import type { Argv, CommandModule } from 'yargs';
import { defineCommand } from './define.js';

const common = (y: Argv) =>
  y
    .option('sample-rate', { type: 'number', demandOption: true, describe: 'Poisson sampling rate q in (0, 1]' })
    .option('steps', { type: 'number', demandOption: true, describe: 'number of noisy steps (or rounds) T' })
    .option('delta', { type: 'number', demandOption: true, describe: 'delta in (0, 1)' })
    .option('conversion', {
      choices: ['improved', 'classic'] as const,
      describe: 'RDP to (epsilon, delta): Balle et al. 2020 (default) or the classic bound',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' });

const epsilon = defineCommand({
  command: 'epsilon',
  describe: 'epsilon spent by T steps of the Poisson-subsampled Gaussian mechanism (RDP accountant)',
  builder: (y) =>
    common(y).option('noise-multiplier', { type: 'number', demandOption: true, describe: 'sigma (noise std / clip)' }),
  handler: async (args) => (await import('../tools/privacy.js')).privacyEpsilonCommand(args),
});

const sigma = defineCommand({
  command: 'sigma',
  describe: 'the smallest noise multiplier whose epsilon stays within a target',
  builder: (y) =>
    common(y).option('target-epsilon', { type: 'number', demandOption: true, describe: 'epsilon budget' }),
  handler: async (args) => (await import('../tools/privacy.js')).privacySigmaCommand(args),
});

/** `starling privacy epsilon|sigma` */
export const privacyCommand: CommandModule = {
  command: 'privacy <command>',
  describe: 'differential privacy accounting',
  builder: (y) => y.command(epsilon).command(sigma).demandCommand(1),
  handler: () => {},
};
