// fp16 and bf16 conversion loops (core: half.ts, half-kernels.ts): round to nearest even, saturate at
// the largest finite value instead of Inf, reject Inf/NaN patterns on decode with the first index.
#include <cstring>

#include "compress.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace starling {

namespace {

inline uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

inline float float_of(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

// f32BitsToF16 of half.ts, then the saturation of encodeF16.
inline uint16_t f32_to_f16(uint32_t bits) {
  const uint32_t sign = (bits >> 16) & 0x8000u;
  const uint32_t exp = (bits >> 23) & 0xffu;
  const uint32_t mant = bits & 0x7fffffu;
  uint32_t h;
  if (exp == 0xff) {
    h = sign | 0x7c00u | (mant != 0 ? 0x200u | (mant >> 13) : 0u);
  } else {
    const int e = static_cast<int>(exp) - 112;
    if (e >= 0x1f) {
      h = sign | 0x7c00u;
    } else if (e <= 0) {
      if (e < -10) {
        h = sign;
      } else {
        const uint32_t sig = mant | 0x800000u;
        const int shift = 14 - e;
        uint32_t q = sig >> shift;
        const uint32_t rem = sig & ((1u << shift) - 1);
        const uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) q++;
        h = sign | q;
      }
    } else {
      h = sign | (static_cast<uint32_t>(e) << 10) | (mant >> 13);
      const uint32_t rem = mant & 0x1fffu;
      if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) h++;
    }
  }
  if ((h & 0x7fffu) == 0x7c00u) h = (h & 0x8000u) | 0x7bffu;
  return static_cast<uint16_t>(h);
}

inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  if (exp == 0) return float_of(bits_of(static_cast<float>(mant) * 0x1p-24f) | sign);
  return float_of(sign | ((exp + 112) << 23) | (mant << 13));
}

inline uint16_t f32_to_bf16(uint32_t bits) {
  uint32_t h;
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffffu) != 0) {
    h = ((bits >> 16) | 0x40u) & 0xffffu;
  } else {
    h = ((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16) & 0xffffu;
  }
  if ((h & 0x7fffu) == 0x7f80u) h = (h & 0x8000u) | 0x7f7fu;
  return static_cast<uint16_t>(h);
}

}  // namespace

namespace compress_portable {

void encode_f16(const float* x, size_t n, uint16_t* out) {
  for (size_t i = 0; i < n; i++) out[i] = f32_to_f16(bits_of(x[i]));
}

long decode_f16(const uint16_t* h, size_t n, float* out) {
  for (size_t i = 0; i < n; i++) {
    if ((h[i] & 0x7c00u) == 0x7c00u) return static_cast<long>(i);
    out[i] = f16_to_f32(h[i]);
  }
  return -1;
}

void encode_bf16(const float* x, size_t n, uint16_t* out) {
  for (size_t i = 0; i < n; i++) out[i] = f32_to_bf16(bits_of(x[i]));
}

long decode_bf16(const uint16_t* h, size_t n, float* out) {
  for (size_t i = 0; i < n; i++) {
    if ((h[i] & 0x7f80u) == 0x7f80u) return static_cast<long>(i);
    out[i] = float_of(static_cast<uint32_t>(h[i]) << 16);
  }
  return -1;
}

}  // namespace compress_portable

#if defined(__x86_64__) || defined(__i386__)
namespace compress_avx2 {

#define F16C_FN __attribute__((target("avx2,f16c")))
#define AVX2_FN __attribute__((target("avx2")))

// vcvtps2ph rounds to nearest even with correct subnormals and quiets NaNs exactly as f32BitsToF16;
// the Inf it gives on overflow becomes ±65504 by subtracting 1 from 0x7c00 / 0xfc00.
F16C_FN void encode_f16(const float* x, size_t n, uint16_t* out) {
  const __m128i inf = _mm_set1_epi16(0x7c00), abs = _mm_set1_epi16(0x7fff);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    h = _mm_add_epi16(h, _mm_cmpeq_epi16(_mm_and_si128(h, abs), inf));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
  for (; i < n; i++) out[i] = f32_to_f16(bits_of(x[i]));
}

F16C_FN long decode_f16(const uint16_t* h, size_t n, float* out) {
  const __m128i mask = _mm_set1_epi16(0x7c00);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(v, mask), mask)) != 0) break;
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(v));
  }
  for (; i < n; i++) {
    if ((h[i] & 0x7c00u) == 0x7c00u) return static_cast<long>(i);
    out[i] = f16_to_f32(h[i]);
  }
  return -1;
}

// Eight lanes of f32_to_bf16 in 32-bit integer arithmetic.
AVX2_FN static inline __m256i bf16_lanes(__m256i b) {
  const __m256i expo = _mm256_set1_epi32(0x7f800000), mant = _mm256_set1_epi32(0x7fffff);
  const __m256i one = _mm256_set1_epi32(1), zero = _mm256_setzero_si256();
  const __m256i is_nan = _mm256_andnot_si256(_mm256_cmpeq_epi32(_mm256_and_si256(b, mant), zero),
                                             _mm256_cmpeq_epi32(_mm256_and_si256(b, expo), expo));
  const __m256i nan = _mm256_or_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(0x40));
  const __m256i bias = _mm256_add_epi32(_mm256_set1_epi32(0x7fff), _mm256_and_si256(_mm256_srli_epi32(b, 16), one));
  const __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(b, bias), 16);
  __m256i h = _mm256_blendv_epi8(rounded, nan, is_nan);
  const __m256i sat = _mm256_cmpeq_epi32(_mm256_and_si256(h, _mm256_set1_epi32(0x7fff)), _mm256_set1_epi32(0x7f80));
  return _mm256_add_epi32(h, sat);  // 0x7f80 − 1 = 0x7f7f, sign kept
}

AVX2_FN void encode_bf16(const float* x, size_t n, uint16_t* out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i a = bf16_lanes(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i)));
    const __m256i b = bf16_lanes(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i + 8)));
    // packus works per 128-bit half; the permute restores index order.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xd8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), packed);
  }
  for (; i < n; i++) out[i] = f32_to_bf16(bits_of(x[i]));
}

AVX2_FN long decode_bf16(const uint16_t* h, size_t n, float* out) {
  const __m128i mask = _mm_set1_epi16(0x7f80);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(v, mask), mask)) != 0) break;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_slli_epi32(_mm256_cvtepu16_epi32(v), 16));
  }
  for (; i < n; i++) {
    if ((h[i] & 0x7f80u) == 0x7f80u) return static_cast<long>(i);
    out[i] = float_of(static_cast<uint32_t>(h[i]) << 16);
  }
  return -1;
}

}  // namespace compress_avx2
#endif

}  // namespace starling
