import type { CommandModule } from 'yargs';
import { defineCommand } from './define.js';

const generate = defineCommand({
  command: 'generate',
  describe: 'write a CURVE key pair: DIR/NAME.key (public, for allow-lists) and DIR/NAME.key_secret (mode 0600)',
  builder: (y) =>
    y
      .option('name', {
        type: 'string',
        demandOption: true,
        describe: 'the host id of whoever will hold the key (letters, digits, ._:-; at most 64)',
      })
      .option('out', { type: 'string', default: 'keys', describe: 'directory to write the two files to' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite existing key files' })
      .option('json', { type: 'boolean', default: false, describe: 'print the paths and public key as JSON' }),
  handler: async (args) => (await import('../tools/keys.js')).keysGenerateCommand(args),
});

/** `starling keys generate` */
export const keysCommand: CommandModule = {
  command: 'keys <command>',
  describe: 'CURVE keys for cluster runs (docs/security.md)',
  builder: (y) => y.command(generate).demandCommand(1),
  handler: () => {},
};
