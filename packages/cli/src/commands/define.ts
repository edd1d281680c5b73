import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

/**
 * A yargs command whose argument type is inferred from its builder, so handlers need no hand-written
 * argument interfaces or casts. `handler` should lazily import its implementation (startup stays fast).
 */
export function defineCommand<U>(def: {
  readonly command: string;
  readonly describe: string;
  readonly builder: (y: Argv) => Argv<U>;
  readonly handler: (args: ArgumentsCamelCase<U>) => void | Promise<void>;
}): CommandModule<object, U> {
  return def;
}
