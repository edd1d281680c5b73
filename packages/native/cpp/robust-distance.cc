// Krum's pairwise squared distances at every level: out[i·n + j] = Σ_c (v_i[c] − v_j[c])², the
// difference and the square in float64, summed in 8 lanes (lane c mod 8 in index order) combined as
// ((0+1)+(2+3))+((4+5)+(6+7)) — the order of squaredDistance8 in the reference. One 8-wide float64
// accumulator (AVX-512) or two 4-wide ones (AVX2) per pair follow that order exactly; the coordinates
// are walked in chunks so the chunk of every vector stays in cache while all pairs visit it, and four
// pairs (i, j..j+3) share each load of v_i. The square of a float64 difference is not exact, so a fused
// multiply-add would change the bits: contraction is switched off for this file.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <algorithm>
#include <vector>

#include "robust.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace starling {

namespace {

constexpr long kChunk = 1024;  // floats per vector per chunk (a multiple of 8): 100 vectors in 400 KiB

inline double combine8(const double l[8]) { return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])); }

// acc holds 8 lanes per pair i < j, pairs in row order; adds coordinates [c0, c1) (c0 a multiple of 8).
using ChunkFn = void (*)(const float* const* v, long n, long c0, long c1, double* acc);

// Any [c0, c1): lane c & 7 of each pair (the tail after the last multiple of 8).
void tail_portable(const float* const* v, long n, long c0, long c1, double* acc) {
  for (long i = 0; i < n; i++) {
    for (long j = i + 1; j < n; j++, acc += 8) {
      for (long c = c0; c < c1; c++) {
        const double dd = static_cast<double>(v[i][c]) - static_cast<double>(v[j][c]);
        acc[c & 7] += dd * dd;
      }
    }
  }
}

// [c0, c1) of whole groups of 8, with the 8 lanes in locals so they stay in registers.
void chunk_portable(const float* const* v, long n, long c0, long c1, double* acc) {
  for (long i = 0; i < n; i++) {
    for (long j = i + 1; j < n; j++, acc += 8) {
      const float* a = v[i];
      const float* b = v[j];
      double l[8];
      for (int q = 0; q < 8; q++) l[q] = acc[q];
      for (long c = c0; c < c1; c += 8) {
        for (int q = 0; q < 8; q++) {
          const double dd = static_cast<double>(a[c + q]) - static_cast<double>(b[c + q]);
          l[q] += dd * dd;
        }
      }
      for (int q = 0; q < 8; q++) acc[q] = l[q];
    }
  }
}

void run(ChunkFn chunk, const float* const* v, long n, long d, double* out) {
  std::vector<double> acc(static_cast<size_t>(n * (n - 1) / 2 * 8), 0.0);
  const long full = d - d % 8;
  for (long c0 = 0; c0 < full; c0 += kChunk) chunk(v, n, c0, std::min(full, c0 + kChunk), acc.data());
  tail_portable(v, n, full, d, acc.data());
  const double* a = acc.data();
  for (long i = 0; i < n; i++) {
    out[i * n + i] = 0;
    for (long j = i + 1; j < n; j++, a += 8) out[i * n + j] = out[j * n + i] = combine8(a);
  }
}

#if defined(__x86_64__) || defined(__i386__)
#define AVX512_FN __attribute__((target("avx512f,avx512vl,avx2")))
#define AVX2_FN __attribute__((target("avx2")))

AVX512_FN inline __m512d wide512(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }

AVX512_FN inline __m512d step512(__m512d acc, __m512d x, const float* p) {
  const __m512d dd = _mm512_sub_pd(x, wide512(p));
  return _mm512_add_pd(acc, _mm512_mul_pd(dd, dd));
}

AVX512_FN void chunk_avx512(const float* const* v, long n, long c0, long c1, double* acc) {
  for (long i = 0; i < n; i++) {
    const float* a = v[i];
    long j = i + 1;
    for (; j + 4 <= n; j += 4, acc += 32) {
      const float *b0 = v[j], *b1 = v[j + 1], *b2 = v[j + 2], *b3 = v[j + 3];
      __m512d s0 = _mm512_loadu_pd(acc), s1 = _mm512_loadu_pd(acc + 8);
      __m512d s2 = _mm512_loadu_pd(acc + 16), s3 = _mm512_loadu_pd(acc + 24);
      for (long c = c0; c < c1; c += 8) {
        const __m512d x = wide512(a + c);
        s0 = step512(s0, x, b0 + c);
        s1 = step512(s1, x, b1 + c);
        s2 = step512(s2, x, b2 + c);
        s3 = step512(s3, x, b3 + c);
      }
      _mm512_storeu_pd(acc, s0);
      _mm512_storeu_pd(acc + 8, s1);
      _mm512_storeu_pd(acc + 16, s2);
      _mm512_storeu_pd(acc + 24, s3);
    }
    for (; j < n; j++, acc += 8) {
      __m512d s = _mm512_loadu_pd(acc);
      for (long c = c0; c < c1; c += 8) s = step512(s, wide512(a + c), v[j] + c);
      _mm512_storeu_pd(acc, s);
    }
  }
}

// AVX2: lanes 0-3 and 4-7 of a pair in two accumulators.
AVX2_FN inline void step256(__m256d* s, __m256d xl, __m256d xh, const float* p) {
  const __m256 y = _mm256_loadu_ps(p);
  const __m256d dl = _mm256_sub_pd(xl, _mm256_cvtps_pd(_mm256_castps256_ps128(y)));
  const __m256d dh = _mm256_sub_pd(xh, _mm256_cvtps_pd(_mm256_extractf128_ps(y, 1)));
  s[0] = _mm256_add_pd(s[0], _mm256_mul_pd(dl, dl));
  s[1] = _mm256_add_pd(s[1], _mm256_mul_pd(dh, dh));
}

AVX2_FN inline void load_pair(const double* acc, __m256d* s) {
  s[0] = _mm256_loadu_pd(acc);
  s[1] = _mm256_loadu_pd(acc + 4);
}

AVX2_FN inline void store_pair(double* acc, const __m256d* s) {
  _mm256_storeu_pd(acc, s[0]);
  _mm256_storeu_pd(acc + 4, s[1]);
}

AVX2_FN inline void widen256(const float* p, __m256d* xl, __m256d* xh) {
  const __m256 x = _mm256_loadu_ps(p);
  *xl = _mm256_cvtps_pd(_mm256_castps256_ps128(x));
  *xh = _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1));
}

AVX2_FN void chunk_avx2(const float* const* v, long n, long c0, long c1, double* acc) {
  for (long i = 0; i < n; i++) {
    const float* a = v[i];
    long j = i + 1;
    for (; j + 4 <= n; j += 4, acc += 32) {
      const float *b0 = v[j], *b1 = v[j + 1], *b2 = v[j + 2], *b3 = v[j + 3];
      __m256d s0[2], s1[2], s2[2], s3[2];
      load_pair(acc, s0);
      load_pair(acc + 8, s1);
      load_pair(acc + 16, s2);
      load_pair(acc + 24, s3);
      for (long c = c0; c < c1; c += 8) {
        __m256d xl, xh;
        widen256(a + c, &xl, &xh);
        step256(s0, xl, xh, b0 + c);
        step256(s1, xl, xh, b1 + c);
        step256(s2, xl, xh, b2 + c);
        step256(s3, xl, xh, b3 + c);
      }
      store_pair(acc, s0);
      store_pair(acc + 8, s1);
      store_pair(acc + 16, s2);
      store_pair(acc + 24, s3);
    }
    for (; j < n; j++, acc += 8) {
      __m256d s[2];
      load_pair(acc, s);
      for (long c = c0; c < c1; c += 8) {
        __m256d xl, xh;
        widen256(a + c, &xl, &xh);
        step256(s, xl, xh, v[j] + c);
      }
      store_pair(acc, s);
    }
  }
}
#endif

}  // namespace

namespace robust_portable {
void pairwise(const float* const* v, long n, long d, double* out) { run(chunk_portable, v, n, d, out); }
}  // namespace robust_portable

#if defined(__x86_64__) || defined(__i386__)
namespace robust_avx2 {
void pairwise(const float* const* v, long n, long d, double* out) { run(chunk_avx2, v, n, d, out); }
}  // namespace robust_avx2
namespace robust_avx512 {
void pairwise(const float* const* v, long n, long d, double* out) { run(chunk_avx512, v, n, d, out); }
}  // namespace robust_avx512
#endif

}  // namespace starling
