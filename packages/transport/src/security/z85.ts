/**
 * Z85, ZeroMQ's printable encoding of binary keys (RFC 32, https://rfc.zeromq.org/spec/32/): every 4 bytes
 * (big-endian) become 5 characters of an 85-letter alphabet. CURVE keys are 32 bytes, so 40 characters.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

const DIGIT = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/** Encodes `bytes` (length a multiple of 4) as Z85; throws a RangeError otherwise. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new RangeError(`z85 input length must be a multiple of 4, got ${bytes.length}`);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let v = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    let chunk = '';
    for (let j = 0; j < 5; j++) {
      chunk = ALPHABET[v % 85]! + chunk;
      v = Math.floor(v / 85);
    }
    out += chunk;
  }
  return out;
}

/**
 * Decodes a Z85 string (length a multiple of 5, only alphabet characters, each 5-character group at most
 * 2^32 - 1) into bytes; returns null when `text` is not valid Z85, so callers can name what was wrong.
 */
export function z85Decode(text: string): Buffer | null {
  if (text.length % 5 !== 0) return null;
  const out = Buffer.alloc((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const c = text.charCodeAt(i + j);
      const d = c < 128 ? DIGIT[c]! : -1;
      if (d < 0) return null;
      v = v * 85 + d;
    }
    if (v > 0xffffffff) return null;
    out.writeUInt32BE(v, (i / 5) * 4);
  }
  return out;
}

/** True when `key` is a Z85 CURVE key: 40 characters decoding to 32 bytes. */
export function isCurveKey(key: unknown): key is string {
  return typeof key === 'string' && key.length === 40 && z85Decode(key) !== null;
}
