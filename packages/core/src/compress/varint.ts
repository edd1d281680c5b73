/**
 * Unsigned LEB128 varints for index gaps: 7 bits per byte, least significant group first, the high bit
 * set on every byte but the last. Values are below 2^32, so at most 5 bytes; decoders accept only the
 * minimal encoding.
 */

/** Bytes needed to write v (0 ≤ v < 2^32). */
export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/**
 * Kernel: the bytes needed for the gaps of sorted distinct `indices[0..k)`: gap_0 = indices[0],
 * gap_j = indices[j] − indices[j−1] − 1. Native-replaceable.
 */
export function gapVarintsSize(indices: Int32Array, k: number): number {
  let size = 0;
  let prev = -1;
  for (let j = 0; j < k; j++) {
    size += varintSize(indices[j] - prev - 1);
    prev = indices[j];
  }
  return size;
}

/** Kernel: writes the gap varints of `indices[0..k)` at `offset`; returns the end offset. Native-replaceable. */
export function writeGapVarints(indices: Int32Array, k: number, bytes: Uint8Array, offset: number): number {
  let pos = offset;
  let prev = -1;
  for (let j = 0; j < k; j++) {
    let v = indices[j] - prev - 1;
    prev = indices[j];
    while (v >= 0x80) {
      bytes[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    bytes[pos++] = v;
  }
  return pos;
}

/** Why reading gap varints failed. */
export type GapVarintFault = 'truncated' | 'overlong' | 'out of range';

/**
 * Kernel: reads k gap varints from `bytes[offset..end)` into increasing indices below `d`. Returns the
 * end offset, or a fault with the entry where it happened. Native-replaceable.
 */
export function readGapVarints(
  bytes: Uint8Array,
  offset: number,
  end: number,
  k: number,
  d: number,
  indices: Int32Array,
): number | { fault: GapVarintFault; entry: number } {
  let pos = offset;
  let prev = -1;
  for (let j = 0; j < k; j++) {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) return { fault: 'truncated', entry: j };
      const b = bytes[pos++];
      if (shift === 28 && b > 0x0f) return { fault: 'overlong', entry: j };
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (b === 0 && shift > 0) return { fault: 'overlong', entry: j };
        break;
      }
      shift += 7;
    }
    const index = prev + 1 + v;
    if (index >= d) return { fault: 'out of range', entry: j };
    indices[j] = index;
    prev = index;
  }
  return pos;
}
