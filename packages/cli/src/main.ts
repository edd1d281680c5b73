import { readFileSync } from 'node:fs';
import { errors } from '@starling/core';
import { exitCodeFor, tuneV8 } from '@starling/runner';
import yargs from 'yargs';
import { deployCommand } from './commands/deploy.js';
import { explainCommand } from './commands/explain.js';
import { keysCommand } from './commands/keys.js';
import { peerCommand } from './commands/peer.js';
import { privacyCommand } from './commands/privacy.js';
import { reportCommand } from './commands/report.js';
import { reproCommand } from './commands/repro.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import { serverCommand } from './commands/server.js';
import { sweepCommand } from './commands/sweep.js';
import { topologyCommand } from './commands/topology.js';
import { workerCommand } from './commands/worker.js';

/** Prints an error for a person: the message (and its causes), no stack unless STARLING_DEBUG is set. */
export function reportError(err: unknown): void {
  if (process.env.STARLING_DEBUG) {
    console.error(err);
    return;
  }
  let text = `starling: ${err instanceof Error ? err.message : String(err)}`;
  let cause = err instanceof Error ? err.cause : undefined;
  while (cause instanceof Error) {
    text += `\n  caused by: ${cause.message}`;
    cause = cause.cause;
  }
  console.error(text);
}

/** The version of the `starling` command (its package.json). */
function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** Runs the `starling` command line and sets `process.exitCode`. */
export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('starling')
    .command(runCommand)
    .command(explainCommand)
    .command(resumeCommand)
    .command(serverCommand)
    .command(sweepCommand)
    .command(reportCommand)
    .command(reproCommand)
    .command(topologyCommand)
    .command(privacyCommand)
    .command(workerCommand)
    .command(peerCommand)
    .command(keysCommand)
    .command(deployCommand)
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(cliVersion())
    .alias('V', 'version')
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      throw err ?? errors.usage(`${msg}\nRun 'starling --help' for usage.`);
    });
  try {
    tuneV8(); // before any command runs training code (docs/runtimes.md, "V8's tier-up budget")
    await cli.parseAsync();
  } catch (err) {
    reportError(err);
    process.exitCode = exitCodeFor(err);
  }
}
