// QSGD unpacking with validation (core: qsgdUnpack): out[i] = ±level·(norm/s) in float64 rounded once;
// returns the first index whose code has a level above s or is 1 (−0), else n when padding bits after
// the last code are set, else −1. out is written up to the first bad index, as in the reference.
#include "bits.h"
#include "compress.h"
#include "qsgd-code.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace starling {

namespace {

// Codes from entry i on (i·width must be a multiple of 8), then the padding check.
long unpack_scalar(const uint8_t* bytes, size_t i, size_t n, uint32_t s, int width, double step, float* out) {
  const uint32_t max_code = 2 * s + 1;
  BitReader in(bytes + i * width / 8);
  for (; i < n; i++) {
    const uint32_t code = in.get(width);
    if (code > max_code || code == 1) return static_cast<long>(i);
    out[i] = qsgd_value(code, step);
  }
  const int rem = static_cast<int>((n * width) & 7);
  return rem != 0 && (bytes[n * width / 8] >> rem) != 0 ? static_cast<long>(n) : -1;
}

}  // namespace

namespace compress_portable {

long qsgd_unpack(const uint8_t* bytes, size_t n, double norm, uint32_t s, int width, float* out) {
  return unpack_scalar(bytes, 0, n, s, width, norm / s, out);
}

}  // namespace compress_portable

#if defined(__x86_64__) || defined(__i386__)
namespace compress_avx2 {

#define AVX2_FN __attribute__((target("avx2")))

// Four values ±level·step from four codes.
AVX2_FN static inline __m128 values4(__m128i codes, __m256d step) {
  const __m256d m = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm_srli_epi32(codes, 1)), step);
  const __m128i sign = _mm_slli_epi32(_mm_and_si128(codes, _mm_set1_epi32(1)), 31);
  return _mm_xor_ps(_mm256_cvtpd_ps(m), _mm_castsi128_ps(sign));
}

// Groups of 8 codes of W ≤ 8 bits (W whole bytes each); the rest, and any group with a bad code, go
// through unpack_scalar so the reported index and the written prefix match the reference. For W ≤ 4
// the 16 possible values are precomputed (qsgd_value, so the same bits) and looked up with permutes.
template <int W>
AVX2_FN static long unpack(const uint8_t* bytes, size_t n, uint32_t s, double step, float* out) {
  const uint8_t* end = bytes + (n * W + 7) / 8;
  const __m256i max_code = _mm256_set1_epi32(static_cast<int>(2 * s + 1));
  const __m256i one = _mm256_set1_epi32(1);
  const __m256d step_v = _mm256_set1_pd(step);
  float table[16];
  for (uint32_t c = 0; c < 16; c++) table[c] = qsgd_value(c, step);
  const __m256 low = _mm256_loadu_ps(table), high = _mm256_loadu_ps(table + 8);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t spread = expand8<W>(load_group(bytes + i / 8 * W, end, W));
    const __m256i codes = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(&spread)));
    const __m256i bad = _mm256_or_si256(_mm256_cmpgt_epi32(codes, max_code), _mm256_cmpeq_epi32(codes, one));
    if (!_mm256_testz_si256(bad, bad)) break;
    if constexpr (W <= 4) {
      const __m256 v = _mm256_permutevar8x32_ps(low, codes);
      const __m256 w = _mm256_permutevar8x32_ps(high, codes);
      const __m256 upper = _mm256_castsi256_ps(_mm256_cmpgt_epi32(codes, _mm256_set1_epi32(7)));
      _mm256_storeu_ps(out + i, _mm256_blendv_ps(v, w, upper));
    } else {
      _mm_storeu_ps(out + i, values4(_mm256_castsi256_si128(codes), step_v));
      _mm_storeu_ps(out + i + 4, values4(_mm256_extracti128_si256(codes, 1), step_v));
    }
  }
  return unpack_scalar(bytes, i, n, s, W, step, out);
}

long qsgd_unpack(const uint8_t* bytes, size_t n, double norm, uint32_t s, int width, float* out) {
  const double step = norm / s;
  switch (width) {
    case 2: return unpack<2>(bytes, n, s, step, out);
    case 3: return unpack<3>(bytes, n, s, step, out);
    case 4: return unpack<4>(bytes, n, s, step, out);
    case 5: return unpack<5>(bytes, n, s, step, out);
    case 6: return unpack<6>(bytes, n, s, step, out);
    case 7: return unpack<7>(bytes, n, s, step, out);
    case 8: return unpack<8>(bytes, n, s, step, out);
    default: return unpack_scalar(bytes, 0, n, s, width, step, out);
  }
}

}  // namespace compress_avx2
#endif

}  // namespace starling
