import { StarlingError } from '@starling/core';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { checkPayloadLimit } from './payload-limit.js';

describe('the payload-limit pre-flight', () => {
  const most = DEFAULT_MAX_PAYLOAD_BYTES / 4; // 67,108,864 parameters: exactly 256 MiB as float32

  it('lets a model of exactly 256 MiB through every runtime, and any model through inline', () => {
    for (const kind of ['threads', 'processes', 'cluster', 'inline'] as const) {
      expect(() => checkPayloadLimit(most, kind)).not.toThrow();
    }
    expect(() => checkPayloadLimit(10 * most, 'inline')).not.toThrow();
  });

  it('refuses one parameter more over sockets with exit-2 code resources, naming the size and the limit', () => {
    for (const kind of ['threads', 'processes', 'cluster'] as const) {
      let err: unknown;
      try {
        checkPayloadLimit(most + 1, kind);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StarlingError);
      expect((err as StarlingError).code).toBe('resources');
      expect((err as Error).message).toBe(
        `the model has 67108865 parameters, 268.4 MB as float32, but runtime ${kind} sends it in one message and ` +
          'a message carries at most 268435456 bytes (256 MiB) of tensors (docs/protocol.md, section 7): use a ' +
          'model of at most 67108864 parameters, or runtime.kind=inline',
      );
    }
  });

  it('applies a configured limit', () => {
    expect(() => checkPayloadLimit(1000, 'processes', 4000)).not.toThrow();
    expect(() => checkPayloadLimit(1001, 'processes', 4000)).toThrow(/at most 4000 bytes/);
  });
});
