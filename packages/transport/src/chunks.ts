/**
 * Chunked payloads (docs/protocol.md, section 2). libzmq restarts its ZMTP heartbeat timeout only when
 * a whole frame has arrived, so a frame that takes longer on the wire than `ZMQ_HEARTBEAT_TIMEOUT`
 * (600 ms) drops the connection, however alive the peer is: on a loaded 2-core machine 160 MiB frames
 * got through one time in two and 200 MiB frames never. A large tensor therefore travels as several
 * consecutive frames ("chunks") of at most a few MiB; the receiver joins them again.
 */

/** Smallest and largest chunk size an endpoint may be configured with, in bytes. */
export const MIN_CHUNK_BYTES = 2 ** 20;
export const MAX_CHUNK_BYTES = 2 ** 30;

/**
 * Splits one payload frame into views of at most `chunkBytes` bytes each (no copy; the views share the
 * frame's memory). A frame of `chunkBytes` or fewer bytes is returned as it is, in a one-element array.
 * Precondition: `chunkBytes` is a positive integer.
 */
export function splitFrame(frame: Buffer, chunkBytes: number): Buffer[] {
  if (frame.byteLength <= chunkBytes) return [frame];
  const out: Buffer[] = [];
  for (let at = 0; at < frame.byteLength; at += chunkBytes) {
    out.push(frame.subarray(at, Math.min(frame.byteLength, at + chunkBytes)));
  }
  return out;
}

/**
 * Destination buffers for joined payloads that are reused from message to message, one per tensor
 * position: fresh memory is expensive (on this project's 2-core VMs the first write to a fresh 200 MB
 * buffer took 0.5-2 s in page faults, a warm one 50 ms). Only for receivers that copy what they keep
 * before the next message is decoded.
 */
export class JoinScratch {
  private readonly buffers: Buffer[] = [];

  /** A buffer of `bytes` bytes for the tensor at `index` (offset 0 of its own allocation). */
  take(index: number, bytes: number): Buffer {
    let b = this.buffers[index];
    if (b === undefined || b.byteLength < bytes) this.buffers[index] = b = Buffer.allocUnsafeSlow(bytes);
    return b.subarray(0, bytes);
  }
}

/**
 * Joins `count` consecutive frames starting at `frames[start]` into one buffer of `bytes` bytes: `into`
 * when given, else a fresh allocation (on its own, so its address suits any dtype). Returns null when
 * the frames' sizes do not add up to `bytes` or one of them is empty. A single frame is returned as it
 * is, without a copy.
 */
export function joinFrames(
  frames: readonly Buffer[],
  start: number,
  count: number,
  bytes: number,
  into?: JoinScratch,
  index = 0,
): Buffer | null {
  if (count === 1) return frames[start].byteLength === bytes ? frames[start] : null;
  let total = 0;
  for (let i = start; i < start + count; i++) {
    if (frames[i].byteLength === 0) return null;
    total += frames[i].byteLength;
  }
  if (total !== bytes) return null;
  const out = into ? into.take(index, bytes) : Buffer.allocUnsafeSlow(bytes);
  let at = 0;
  for (let i = start; i < start + count; i++) {
    out.set(frames[i], at);
    at += frames[i].byteLength;
  }
  return out;
}
