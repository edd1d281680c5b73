// Whole-vector scans for the compressors: the first non-finite entry (the input check) and QSGD's
// Σ x_i² in 8 float64 lanes (lane j adds entries i ≡ j mod 8 in order; ((0+1)+(2+3))+((4+5)+(6+7))).
// Squares of floats are exact in float64, so fused multiply-adds cannot change the result.
#include <cstring>

#include "compress.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace starling {

namespace {
inline double combine8(const double l[8]) { return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])); }

inline bool non_finite(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return (b & 0x7f800000u) == 0x7f800000u;
}
}  // namespace

namespace compress_portable {

long first_non_finite(const float* x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (non_finite(x[i])) return static_cast<long>(i);
  return -1;
}

double sum_squares8(const float* x, size_t n) {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    const double v = x[i];
    l[i & 7] += v * v;
  }
  return combine8(l);
}

}  // namespace compress_portable

#if defined(__x86_64__) || defined(__i386__)
namespace compress_avx2 {

#define AVX2_FN __attribute__((target("avx2")))

AVX2_FN long first_non_finite(const float* x, size_t n) {
  const __m256i expo = _mm256_set1_epi32(0x7f800000);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i any = _mm256_setzero_si256();
    for (int k = 0; k < 32; k += 8) {
      const __m256i b = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i + k)), expo);
      any = _mm256_or_si256(any, _mm256_cmpeq_epi32(b, expo));
    }
    if (!_mm256_testz_si256(any, any)) break;
  }
  for (; i < n; i++)
    if (non_finite(x[i])) return static_cast<long>(i);
  return -1;
}

AVX2_FN double sum_squares8(const float* x, size_t n) {
  __m256d a = _mm256_setzero_pd(), b = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
    const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
    a = _mm256_add_pd(a, _mm256_mul_pd(lo, lo));
    b = _mm256_add_pd(b, _mm256_mul_pd(hi, hi));
  }
  double l[8];
  _mm256_storeu_pd(l, a);
  _mm256_storeu_pd(l + 4, b);
  for (; i < n; i++) {
    const double v = x[i];
    l[i & 7] += v * v;
  }
  return combine8(l);
}

}  // namespace compress_avx2
#endif

}  // namespace starling
