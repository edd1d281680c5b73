import { StarlingError } from '@starling/core';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '@starling/transport';
import type { RuntimeConfig } from '../config/schema-algorithm.js';

const MB = 1e6;

/**
 * The wire check before round 0. Every runtime but `inline` sends the whole model in one protocol
 * message (a task's model, an update's Δ, a gossip payload: raw float32, 4·P bytes, at most), and a
 * receiver refuses a message whose tensor payloads exceed `limit` (docs/protocol.md, sections 2 and 7;
 * 256 MiB by default). Throws a `resources` StarlingError (exit code 2) naming the model's size and the
 * limit when 4·P exceeds it; `--force` cannot help, since every receiver would refuse the model.
 */
export function checkPayloadLimit(
  params: number,
  runtime: RuntimeConfig['kind'],
  limit = DEFAULT_MAX_PAYLOAD_BYTES,
): void {
  const bytes = 4 * params;
  if (runtime === 'inline' || bytes <= limit) return;
  throw new StarlingError(
    'resources',
    `the model has ${params} parameters, ${(bytes / MB).toFixed(1)} MB as float32, but runtime ${runtime} sends it ` +
      `in one message and a message carries at most ${limit} bytes (${limit / 2 ** 20} MiB) of tensors ` +
      '(docs/protocol.md, section 7): use a model of at most ' +
      `${Math.floor(limit / 4)} parameters, or runtime.kind=inline`,
  );
}
