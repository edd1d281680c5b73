// Sign packing (core: sign-kernels.ts): bit i of the stream is 1 when x_i < 0 (−0 and NaN count as
// positive), LSB-first; Σ|x_i| in 8 float64 lanes as the reference sums it. Unpacking writes
// ±fround(scale) and reports set padding bits.
#include <cmath>

#include "compress.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace starling {

namespace {
inline double combine8(const double l[8]) { return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])); }

// The last, partial byte: entries from `i` to n − 1 (fewer than 8), into lanes i mod 8.
inline void pack_tail(const float* x, size_t i, size_t n, uint8_t* bytes, double l[8]) {
  if (i == n) return;
  unsigned byte = 0;
  for (size_t j = i; j < n; j++) {
    l[j & 7] += std::fabs(static_cast<double>(x[j]));
    if (x[j] < 0) byte |= 1u << (j & 7);
  }
  bytes[i >> 3] = static_cast<uint8_t>(byte);
}

inline bool unpack_tail(const uint8_t* bytes, size_t i, size_t n, float pos, float* out) {
  for (size_t j = i; j < n; j++) out[j] = (bytes[j >> 3] >> (j & 7)) & 1 ? -pos : pos;
  return (n & 7) == 0 || (bytes[n >> 3] >> (n & 7)) == 0;
}
}  // namespace

namespace compress_portable {

double pack_signs(const float* x, size_t n, uint8_t* bytes) {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    unsigned byte = 0;
    for (int j = 0; j < 8; j++) {
      l[j] += std::fabs(static_cast<double>(x[i + j]));
      if (x[i + j] < 0) byte |= 1u << j;
    }
    bytes[i >> 3] = static_cast<uint8_t>(byte);
  }
  pack_tail(x, i, n, bytes, l);
  return combine8(l);
}

bool unpack_signs(const uint8_t* bytes, size_t n, float scale, float* out) {
  return unpack_tail(bytes, 0, n, scale, out);
}

}  // namespace compress_portable

#if defined(__x86_64__) || defined(__i386__)
namespace compress_avx2 {

#define AVX2_FN __attribute__((target("avx2")))

AVX2_FN double pack_signs(const float* x, size_t n, uint8_t* bytes) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256 abs = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  __m256d a = _mm256_setzero_pd(), b = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    bytes[i >> 3] = static_cast<uint8_t>(_mm256_movemask_ps(_mm256_cmp_ps(v, zero, _CMP_LT_OQ)));
    const __m256 m = _mm256_and_ps(v, abs);
    a = _mm256_add_pd(a, _mm256_cvtps_pd(_mm256_castps256_ps128(m)));
    b = _mm256_add_pd(b, _mm256_cvtps_pd(_mm256_extractf128_ps(m, 1)));
  }
  double l[8];
  _mm256_storeu_pd(l, a);
  _mm256_storeu_pd(l + 4, b);
  pack_tail(x, i, n, bytes, l);
  return combine8(l);
}

// Byte → 8 lanes: lane j takes the sign of −pos when bit j is set (neg = −pos exactly).
AVX2_FN bool unpack_signs(const uint8_t* bytes, size_t n, float scale, float* out) {
  const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  const __m256i sign = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  const __m256i pos = _mm256_castps_si256(_mm256_set1_ps(scale));
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i b = _mm256_set1_epi32(bytes[i >> 3]);
    const __m256i set = _mm256_cmpeq_epi32(_mm256_and_si256(b, bit), bit);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_xor_si256(pos, _mm256_and_si256(set, sign)));
  }
  return unpack_tail(bytes, i, n, scale, out);
}

}  // namespace compress_avx2
#endif

}  // namespace starling
