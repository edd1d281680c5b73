import { encodeHeader, PROTOCOL_VERSION } from '@starling/transport';

/** The tensor name of a gossip message's payload. */
export const GOSSIP_TENSOR = 'params';

/**
 * The bytes a `gossip` message takes on the wire (header frame with seq 0 plus the payload frame;
 * routing envelope excluded, as the endpoints count): a raw float32 value, or a CHOCO payload sent as a
 * `u8` tensor named by its `codec`. The in-memory runtime reports this.
 */
export function gossipWireBytes(
  run: string,
  round: number,
  from: number,
  to: number,
  value: Float32Array | Uint8Array,
  codec?: string,
): number {
  const dtype = value instanceof Float32Array ? 'f32' : 'u8';
  const header = encodeHeader({
    type: 'gossip',
    v: PROTOCOL_VERSION,
    run,
    round,
    node: from,
    to,
    seq: 0,
    tensors: [
      {
        name: GOSSIP_TENSOR,
        dtype,
        length: value.length,
        bytes: value.byteLength,
        ...(dtype === 'u8' && codec !== undefined ? { codec } : {}),
      },
    ],
  });
  return header.byteLength + value.byteLength;
}
