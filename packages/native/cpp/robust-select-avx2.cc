// AVX2 coordinate-wise median and trimmed mean: the AVX-512 level's algorithm (see
// robust-select-avx512.cc) with 8 coordinates per block, one ymm row per vector.
#include <vector>

#include "robust.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define ST __attribute__((target("avx2")))

namespace starling {
namespace robust_avx2 {

namespace {

constexpr long kW = 8;
constexpr long kMaxNetwork = 2048;

ST inline __m256i flip(__m256i x) {
  return _mm256_xor_si256(x, _mm256_and_si256(_mm256_srai_epi32(x, 31), _mm256_set1_epi32(0x7fffffff)));
}

ST inline __m256i load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
ST inline void store(void* p, __m256i x) { _mm256_storeu_si256(static_cast<__m256i*>(p), x); }

// rows (n·8 keys): row k = the keys of v[k][c, c + 8), then sorted across rows by `net`.
ST inline void sort_block(const float* const* v, long n, long c, const std::vector<Comparator>& net,
                          int32_t* rows) {
  for (long k = 0; k < n; k++) store(rows + k * kW, flip(load(v[k] + c)));
  for (const Comparator& p : net) {
    int32_t* ra = rows + p.first * kW;
    int32_t* rb = rows + p.second * kW;
    const __m256i a = load(ra), b = load(rb);
    store(ra, _mm256_min_epi32(a, b));
    store(rb, _mm256_max_epi32(a, b));
  }
}

// The two float64 halves (lanes 0-3, 4-7) of row k, as floats widened exactly.
ST inline void widen(const int32_t* rows, long k, __m256d* lo, __m256d* hi) {
  const __m256 f = _mm256_castsi256_ps(flip(load(rows + k * kW)));
  *lo = _mm256_cvtps_pd(_mm256_castps256_ps128(f));
  *hi = _mm256_cvtps_pd(_mm256_extractf128_ps(f, 1));
}

ST inline void narrow_store(__m256d lo, __m256d hi, float* out) {
  _mm_storeu_ps(out, _mm256_cvtpd_ps(lo));
  _mm_storeu_ps(out + 4, _mm256_cvtpd_ps(hi));
}

}  // namespace

ST void median(const float* const* v, long n, long d, float* out) {
  const long full = n <= kMaxNetwork ? d - d % kW : 0;
  const long mid = n / 2;
  const std::vector<Comparator> net = selection_network(n, n & 1 ? mid : mid - 1, mid + 1);
  std::vector<int32_t> keys(static_cast<size_t>(n * kW));
  int32_t* rows = keys.data();
  const __m256d half = _mm256_set1_pd(0.5);
  for (long c = 0; c < full; c += kW) {
    sort_block(v, n, c, net, rows);
    if (n & 1) {
      store(out + c, flip(load(rows + mid * kW)));
      continue;
    }
    __m256d a0, a1, b0, b1;
    widen(rows, mid - 1, &a0, &a1);
    widen(rows, mid, &b0, &b1);
    narrow_store(_mm256_mul_pd(_mm256_add_pd(a0, b0), half), _mm256_mul_pd(_mm256_add_pd(a1, b1), half), out + c);
  }
  robust_portable::median_range(v, n, full, d, out);
}

ST void trimmed_mean(const float* const* v, long n, long trim, long d, float* out) {
  const long full = n <= kMaxNetwork ? d - d % kW : 0;
  const long end = n - trim;
  const std::vector<Comparator> net = selection_network(n, trim, end);
  std::vector<int32_t> keys(static_cast<size_t>(n * kW));
  int32_t* rows = keys.data();
  const __m256d m = _mm256_set1_pd(static_cast<double>(end - trim));
  for (long c = 0; c < full; c += kW) {
    sort_block(v, n, c, net, rows);
    __m256d s0, s1;
    widen(rows, trim, &s0, &s1);
    for (long k = trim + 1; k < end; k++) {
      __m256d x0, x1;
      widen(rows, k, &x0, &x1);
      s0 = _mm256_add_pd(s0, x0);
      s1 = _mm256_add_pd(s1, x1);
    }
    narrow_store(_mm256_div_pd(s0, m), _mm256_div_pd(s1, m), out + c);
  }
  robust_portable::trimmed_range(v, n, trim, full, d, out);
}

}  // namespace robust_avx2
}  // namespace starling
#endif
