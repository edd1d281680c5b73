// Philox4x32-10 for 16 consecutive counters at once in AVX2 lanes (include only on x86). Gives the
// same words as philox_block (philox.h), in stream order: block b's four words at dst[4b..4b+3].
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "philox.h"

namespace starling {

// Round keys: k0 + r·W0 and k1 + r·W1 (mod 2³²) for r = 0..9.
struct PhiloxKeys {
  uint32_t k0[10], k1[10];
  PhiloxKeys(uint32_t a, uint32_t b) {
    for (int r = 0; r < 10; r++, a += kPhiloxW0, b += kPhiloxW1) {
      k0[r] = a;
      k1[r] = b;
    }
  }
};

// hi and lo 32 bits of a·m per 32-bit lane (two even/odd 32×32→64 multiplies).
__attribute__((target("avx2"))) static inline void mulhilo8(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xaa);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xaa);
}

// Lane counters for blocks base .. base + 7: low words in c0, high words in c1.
__attribute__((target("avx2"))) static inline void counters8(uint64_t base, __m256i& c0, __m256i& c1) {
  if (static_cast<uint32_t>(base) <= 0xffffffffu - 7) {
    c0 = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(base))),
                          _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    c1 = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(base >> 32)));
    return;
  }
  alignas(32) uint32_t lo[8], hi[8];
  for (int j = 0; j < 8; j++) {
    lo[j] = static_cast<uint32_t>(base + j);
    hi[j] = static_cast<uint32_t>((base + j) >> 32);
  }
  c0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo));
  c1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi));
}

// 4×8 transpose into stream order: lane j of c_k is word k of block j, stored at dst[4j + k].
__attribute__((target("avx2"))) static inline void store_blocks8(__m256i c0, __m256i c1, __m256i c2, __m256i c3,
                                                                  uint32_t* dst) {
  const __m256i t0 = _mm256_unpacklo_epi32(c0, c1), t1 = _mm256_unpackhi_epi32(c0, c1);
  const __m256i t2 = _mm256_unpacklo_epi32(c2, c3), t3 = _mm256_unpackhi_epi32(c2, c3);
  const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
  const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
  __m256i* out = reinterpret_cast<__m256i*>(dst);
  _mm256_storeu_si256(out + 0, _mm256_permute2x128_si256(u0, u1, 0x20));
  _mm256_storeu_si256(out + 1, _mm256_permute2x128_si256(u2, u3, 0x20));
  _mm256_storeu_si256(out + 2, _mm256_permute2x128_si256(u0, u1, 0x31));
  _mm256_storeu_si256(out + 3, _mm256_permute2x128_si256(u2, u3, 0x31));
}

// The 64 words of blocks base .. base + 15 (64-bit counters, wrapping like the TS Rng). Two sets of
// 8 lanes run interleaved so the multiply latency of one hides behind the other.
__attribute__((target("avx2"))) static inline void philox16(uint64_t base, const PhiloxKeys& keys, uint32_t* dst) {
  __m256i a0, a1, b0, b1;
  counters8(base, a0, a1);
  counters8(base + 8, b0, b1);
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kPhiloxM0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kPhiloxM1));
  // Round 0: c2 = c3 = 0, so M1·c2 is 0.
  __m256i hi, lo;
  const __m256i k00 = _mm256_set1_epi32(static_cast<int>(keys.k0[0]));
  const __m256i k10 = _mm256_set1_epi32(static_cast<int>(keys.k1[0]));
  mulhilo8(a0, m0, hi, lo);
  __m256i a2 = _mm256_xor_si256(hi, k10), a3 = lo;
  a0 = _mm256_xor_si256(a1, k00);
  a1 = _mm256_setzero_si256();
  mulhilo8(b0, m0, hi, lo);
  __m256i b2 = _mm256_xor_si256(hi, k10), b3 = lo;
  b0 = _mm256_xor_si256(b1, k00);
  b1 = _mm256_setzero_si256();
  for (int r = 1; r < 10; r++) {
    const __m256i k0 = _mm256_set1_epi32(static_cast<int>(keys.k0[r]));
    const __m256i k1 = _mm256_set1_epi32(static_cast<int>(keys.k1[r]));
    __m256i ahi0, alo0, ahi1, alo1, bhi0, blo0, bhi1, blo1;
    mulhilo8(a0, m0, ahi0, alo0);
    mulhilo8(b0, m0, bhi0, blo0);
    mulhilo8(a2, m1, ahi1, alo1);
    mulhilo8(b2, m1, bhi1, blo1);
    a0 = _mm256_xor_si256(_mm256_xor_si256(ahi1, a1), k0);
    b0 = _mm256_xor_si256(_mm256_xor_si256(bhi1, b1), k0);
    a2 = _mm256_xor_si256(_mm256_xor_si256(ahi0, a3), k1);
    b2 = _mm256_xor_si256(_mm256_xor_si256(bhi0, b3), k1);
    a1 = alo1;
    b1 = blo1;
    a3 = alo0;
    b3 = blo0;
  }
  store_blocks8(a0, a1, a2, a3, dst);
  store_blocks8(b0, b1, b2, b3, dst + 32);
}

}  // namespace starling
