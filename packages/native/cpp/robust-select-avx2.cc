// AVX2 coordinate-wise median and trimmed mean (the avx512 level uses them too): 8 coordinates per
// block, one ymm row per vector (vector k's 8 floats as totalOrder keys), sorted across rows without
// branches: each aligned group of 8 rows in registers, then a pruned Batcher merge network of min/max
// through memory, so every lane sorts its own column. The midpoint and the trimmed sum are the
// reference's float64 operations in the same order (no FMA involved: only add, mul by 0.5, div).
// Columns past the last full block, and n above kMaxNetwork, go to the portable loop.
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

#define CX(a, b)                                   \
  {                                                \
    const __m256i t_ = _mm256_min_epi32(r##a, r##b); \
    r##b = _mm256_max_epi32(r##a, r##b);           \
    r##a = t_;                                     \
  }

// Rows [g, g + 8) of a block, sorted in registers by Batcher's 19-comparator network for 8 (rows past
// n are +inf and are not stored): the stages the memory network leaves out.
ST inline void sort8(const float* const* v, long n, long g, long c, int32_t* rows) {
  const __m256i inf = _mm256_set1_epi32(0x7fffffff);
#define LD(q) __m256i r##q = g + q < n ? flip(load(v[g + q] + c)) : inf;
  LD(0) LD(1) LD(2) LD(3) LD(4) LD(5) LD(6) LD(7)
#undef LD
  CX(0, 1) CX(2, 3) CX(4, 5) CX(6, 7) CX(0, 2) CX(1, 3) CX(4, 6) CX(5, 7) CX(1, 2) CX(5, 6)
  CX(0, 4) CX(1, 5) CX(2, 6) CX(3, 7) CX(2, 4) CX(3, 5) CX(1, 2) CX(3, 4) CX(5, 6)
#define SV(q) \
  if (g + q < n) store(rows + (g + q) * kW, r##q);
  SV(0) SV(1) SV(2) SV(3) SV(4) SV(5) SV(6) SV(7)
#undef SV
}
#undef CX

// rows (n·8 keys): row k = the keys of v[k][c, c + 8), sorted across rows: aligned groups of 8 in
// registers, then the merge stages of `net` through memory.
ST inline void sort_block(const float* const* v, long n, long c, const std::vector<Comparator>& net,
                          int32_t* rows) {
  for (long g = 0; g < n; g += 8) sort8(v, n, g, c, rows);
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
  const std::vector<Comparator> net = selection_network(n, n & 1 ? mid : mid - 1, mid + 1, 8);
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
  const std::vector<Comparator> net = selection_network(n, trim, end, 8);
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
