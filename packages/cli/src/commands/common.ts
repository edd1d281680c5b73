import type { Argv } from 'yargs';

/** The pino levels a `--log-level` flag takes. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** Options every run-like command accepts. */
export function withCommonOptions<T>(y: Argv<T>) {
  return y
    .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON on stdout' })
    .option('log-level', {
      choices: LOG_LEVELS,
      default: 'info' as const,
      describe:
        'level of run.log, and of the console with --log-format json (debug: every metrics line, also on the console)',
    })
    .option('log-format', {
      choices: ['text', 'json'] as const,
      default: 'text' as const,
      describe: 'console lines on stderr (listening, warnings, progress, done) as text or as pino JSON',
    });
}

/** The experiment a command reads: `<config>`, `--set path=value`..., `--seed N`, `--kernels K`. */
export function withConfigOptions<T>(y: Argv<T>) {
  return y
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
    });
}

/** The options of a host process (`starling worker`, `starling peer`). */
export function withHostOptions<T>(y: Argv<T>) {
  return y
    .option('host-id', { type: 'string', describe: "unique host id (default <hostname>-<pid>, or the key's name)" })
    .option('key', {
      type: 'string',
      describe: "CURVE: this host's secret key file (NAME.key_secret from starling keys generate; NAME is the host id)",
    })
    .option('server-key', { type: 'string', describe: "CURVE: the server's public key file (NAME.key)" })
    .option('threads', { type: 'number', describe: 'training threads (default: all cores)' })
    .option('data-dir', {
      type: 'string',
      describe: "folder the run's relative data paths resolve against on this machine (default: the working directory)",
    })
    .option('server-wait-s', {
      type: 'number',
      default: 60,
      describe: 'give up (exit 1) after this many seconds without the server or coordinator',
    })
    .option('log-level', {
      choices: LOG_LEVELS,
      default: 'warn' as const,
      describe: 'level of the JSON log on stderr',
    });
}
