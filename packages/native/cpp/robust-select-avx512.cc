// AVX-512 coordinate-wise median and trimmed mean: 16 coordinates per block, one zmm row per vector
// (vector k's 16 floats as totalOrder keys), sorted across rows by a pruned Batcher network of
// min/max, so every lane sorts its own column without branches. The midpoint and the trimmed sum are
// the reference's float64 operations in the same order (no FMA involved: only add, mul by 0.5, div).
// Columns past the last full block go to the portable loop.
#include <vector>

#include "robust.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define ST __attribute__((target("avx512f,avx512bw,avx512vl,avx2")))

namespace starling {
namespace robust_avx512 {

namespace {

constexpr long kW = 16;
// Above this many vectors the network's n·log²n comparators lose to nth_element; use the portable loop.
constexpr long kMaxNetwork = 2048;

ST inline __m512i flip(__m512i x) {
  return _mm512_xor_si512(x, _mm512_and_si512(_mm512_srai_epi32(x, 31), _mm512_set1_epi32(0x7fffffff)));
}

// rows (n·16 keys): row k = the keys of v[k][c, c + 16), then sorted across rows by `net`.
ST inline void sort_block(const float* const* v, long n, long c, const std::vector<Comparator>& net,
                          int32_t* rows) {
  for (long k = 0; k < n; k++) _mm512_storeu_si512(rows + k * kW, flip(_mm512_loadu_si512(v[k] + c)));
  for (const Comparator& p : net) {
    int32_t* ra = rows + p.first * kW;
    int32_t* rb = rows + p.second * kW;
    const __m512i a = _mm512_loadu_si512(ra), b = _mm512_loadu_si512(rb);
    _mm512_storeu_si512(ra, _mm512_min_epi32(a, b));
    _mm512_storeu_si512(rb, _mm512_max_epi32(a, b));
  }
}

ST inline __m512i row(const int32_t* rows, long k) { return _mm512_loadu_si512(rows + k * kW); }

// The two float64 halves of a row of keys (lanes 0-7, 8-15), as floats widened exactly.
ST inline void widen(__m512i row, __m512d* lo, __m512d* hi) {
  const __m512 f = _mm512_castsi512_ps(flip(row));
  *lo = _mm512_cvtps_pd(_mm512_castps512_ps256(f));
  *hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(f), 1)));
}

ST inline void narrow_store(__m512d lo, __m512d hi, float* out) {
  _mm256_storeu_ps(out, _mm512_cvtpd_ps(lo));
  _mm256_storeu_ps(out + 8, _mm512_cvtpd_ps(hi));
}

}  // namespace

ST void median(const float* const* v, long n, long d, float* out) {
  const long full = n <= kMaxNetwork ? d - d % kW : 0;
  const long mid = n / 2;
  const std::vector<Comparator> net = selection_network(n, n & 1 ? mid : mid - 1, mid + 1);
  std::vector<int32_t> keys(static_cast<size_t>(n * kW));
  int32_t* rows = keys.data();
  const __m512d half = _mm512_set1_pd(0.5);
  for (long c = 0; c < full; c += kW) {
    sort_block(v, n, c, net, rows);
    if (n & 1) {
      _mm512_storeu_si512(out + c, flip(row(rows, mid)));
      continue;
    }
    __m512d a0, a1, b0, b1;
    widen(row(rows, mid - 1), &a0, &a1);
    widen(row(rows, mid), &b0, &b1);
    narrow_store(_mm512_mul_pd(_mm512_add_pd(a0, b0), half), _mm512_mul_pd(_mm512_add_pd(a1, b1), half), out + c);
  }
  robust_portable::median_range(v, n, full, d, out);
}

ST void trimmed_mean(const float* const* v, long n, long trim, long d, float* out) {
  const long full = n <= kMaxNetwork ? d - d % kW : 0;
  const long end = n - trim;
  const std::vector<Comparator> net = selection_network(n, trim, end);
  std::vector<int32_t> keys(static_cast<size_t>(n * kW));
  int32_t* rows = keys.data();
  const __m512d m = _mm512_set1_pd(static_cast<double>(end - trim));
  for (long c = 0; c < full; c += kW) {
    sort_block(v, n, c, net, rows);
    __m512d s0, s1;
    widen(row(rows, trim), &s0, &s1);
    for (long k = trim + 1; k < end; k++) {
      __m512d x0, x1;
      widen(row(rows, k), &x0, &x1);
      s0 = _mm512_add_pd(s0, x0);
      s1 = _mm512_add_pd(s1, x1);
    }
    narrow_store(_mm512_div_pd(s0, m), _mm512_div_pd(s1, m), out + c);
  }
  robust_portable::trimmed_range(v, n, trim, full, d, out);
}

}  // namespace robust_avx512
}  // namespace starling
#endif
