// Bit streams for QSGD codes: code i of width W occupies bits [i·W, (i+1)·W) of the stream, and bit b
// is bit b mod 8 of byte ⌊b/8⌋ (least significant first). Eight codes of W ≤ 8 bits fill exactly W
// bytes, so groups of 8 codes convert to and from one 64-bit word with byte j = code j.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace starling {

// Appends codes; flushes 32 bits at a time and the rest, rounded up to whole bytes, in finish().
struct BitWriter {
  uint8_t* p;
  uint64_t acc = 0;
  int nbits = 0;
  explicit BitWriter(uint8_t* start) : p(start) {}
  void put(uint32_t code, int width) {
    acc |= static_cast<uint64_t>(code) << nbits;
    nbits += width;
    if (nbits >= 32) {
      const uint32_t word = static_cast<uint32_t>(acc);
      for (int k = 0; k < 4; k++) p[k] = static_cast<uint8_t>(word >> (8 * k));
      p += 4;
      acc >>= 32;
      nbits -= 32;
    }
  }
  void finish() {
    for (; nbits > 0; nbits -= 8, acc >>= 8) *p++ = static_cast<uint8_t>(acc);
  }
};

// Reads codes byte by byte, never past the last byte that holds a bit of the codes read.
struct BitReader {
  const uint8_t* p;
  uint64_t acc = 0;
  int nbits = 0;
  explicit BitReader(const uint8_t* start) : p(start) {}
  uint32_t get(int width) {
    while (nbits < width) {
      acc |= static_cast<uint64_t>(*p++) << nbits;
      nbits += 8;
    }
    const uint32_t code = static_cast<uint32_t>(acc) & ((1u << width) - 1);
    acc >>= width;
    nbits -= width;
    return code;
  }
};

// Eight W-bit codes, one per byte of b, squeezed into the low 8·W bits (W ≤ 8).
template <int W>
inline uint64_t squeeze8(uint64_t b) {
  b = (b & 0x00ff00ff00ff00ffull) | (((b >> 8) & 0x00ff00ff00ff00ffull) << W);
  b = (b & 0x0000ffff0000ffffull) | (((b >> 16) & 0x0000ffff0000ffffull) << (2 * W));
  return (b & 0xffffffffull) | ((b >> 32) << (4 * W));
}

// The inverse: the low 8·W bits of g (higher bits are ignored) spread to one code per byte.
template <int W>
inline uint64_t expand8(uint64_t g) {
  constexpr uint64_t m4 = (1ull << (4 * W)) - 1;
  constexpr uint64_t m2 = ((1ull << (2 * W)) - 1) * 0x0000000100000001ull;
  constexpr uint64_t m1 = ((1ull << W) - 1) * 0x0001000100010001ull;
  g = (g & m4) | (((g >> (4 * W)) & m4) << 32);
  g = (g & m2) | (((g >> (2 * W)) & m2) << 16);
  return (g & m1) | (((g >> W) & m1) << 8);
}

// W bytes at p, little-endian; one 8-byte load when the buffer (ending at end) has 8 bytes left.
inline uint64_t load_group(const uint8_t* p, const uint8_t* end, int w) {
  uint64_t g = 0;
  if (end - p >= 8) {
    std::memcpy(&g, p, 8);
    return g;
  }
  for (int k = 0; k < w; k++) g |= static_cast<uint64_t>(p[k]) << (8 * k);
  return g;
}

// Stores the low W bytes of g at p; one 8-byte store when the buffer has room (the extra bytes belong
// to the next group and are written again then).
inline void store_group(uint8_t* p, uint8_t* end, uint64_t g, int w) {
  if (end - p >= 8) {
    std::memcpy(p, &g, 8);
    return;
  }
  for (int k = 0; k < w; k++) p[k] = static_cast<uint8_t>(g >> (8 * k));
}

}  // namespace starling
