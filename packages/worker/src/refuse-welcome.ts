import { StarlingError } from '@starling/core';
import type { DealerEndpoint } from '@starling/transport';

/** The logger calls a host makes when it refuses a welcome. */
interface RefusalLog {
  error(obj: object, msg: string): void;
}

/**
 * Refuses a `welcome` whose `config` does not pass the host's schema (docs/protocol.md): logs the
 * problems, answers the server with `error` code `bad-config` (the message lists them, `ref` is the
 * welcome's `seq`) and hands the config error and a closing reason to `fail`, which keeps the error
 * as the host's failure before closing it (the close says `bye` and settles `finished`, after which
 * `starling worker` / `starling peer` exit with code 2).
 */
export async function refuseWelcome(
  endpoint: DealerEndpoint,
  log: RefusalLog,
  cause: unknown,
  ref: number,
  fail: (err: StarlingError, reason: string) => Promise<void>,
): Promise<void> {
  const err =
    cause instanceof StarlingError
      ? cause
      : new StarlingError('config', `welcome.config is not valid: ${String(cause)}`, { cause });
  log.error({ err }, 'welcome refused: bad config');
  const message = err.message.length > 1024 ? `${err.message.slice(0, 1021)}...` : err.message;
  await endpoint.send({ type: 'error', round: 0, node: -1, code: 'bad-config', message, ref }).catch(() => undefined);
  await fail(err, `bad welcome.config: ${err.message.split('; ')[0]}`.slice(0, 256));
}
