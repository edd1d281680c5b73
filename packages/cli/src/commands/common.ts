import type { Argv } from 'yargs';

/** Options every command accepts. */
export function withCommonOptions<T>(y: Argv<T>) {
  return y
    .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON on stdout' })
    .option('log-level', {
      choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const,
      default: 'info' as const,
      describe: 'level of the run.log file',
    });
}
