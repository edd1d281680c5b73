import { errors } from '@starling/core';
import { type HostKind, type HostProcessOptions, runHostProcess } from '@starling/runner';
import { ENDPOINT_PATTERN } from '@starling/transport';

/** `starling worker` / `starling peer`: checks the flags, then runs the host until its run ends. */
export async function hostMain(kind: HostKind, o: HostProcessOptions): Promise<void> {
  for (const [flag, value] of [
    ['--connect', o.connect],
    ['--bind', o.bind],
    ['--advertise', o.advertise],
  ] as const) {
    if (value !== undefined && !ENDPOINT_PATTERN.test(value))
      throw errors.usage(`${flag} must be a tcp:// or ipc:// endpoint, got "${value}"`);
  }
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1)) {
    throw errors.usage(`--threads must be a positive integer, got ${o.threads}`);
  }
  const wait = o.serverWaitS;
  if (wait !== undefined && !(Number.isFinite(wait) && wait > 0 && wait <= 2_000_000)) {
    throw errors.usage(`--server-wait-s must be a number of seconds in (0, 2000000], got ${wait}`);
  }
  await runHostProcess(kind, o);
}
