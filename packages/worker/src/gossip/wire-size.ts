import { encodeHeader, PROTOCOL_VERSION } from '@starling/transport';

/** The tensor name of a gossip message's payload. */
export const GOSSIP_TENSOR = 'params';

/**
 * The bytes a `gossip` message of `length` floats takes on the wire (header frame with seq 0 plus the
 * payload frame; routing envelope excluded, as the endpoints count). The in-memory runtime reports this.
 */
export function gossipWireBytes(run: string, round: number, from: number, to: number, length: number): number {
  const header = encodeHeader({
    type: 'gossip',
    v: PROTOCOL_VERSION,
    run,
    round,
    node: from,
    to,
    seq: 0,
    tensors: [{ name: GOSSIP_TENSOR, dtype: 'f32', length, bytes: 4 * length }],
  });
  return header.byteLength + 4 * length;
}
