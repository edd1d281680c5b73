// bf16 GEMM (gemm-bf16.h): the AVX-512 BF16 kernel and the emulation every other level uses.
#include "gemm-bf16.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BF_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,avx2,fma")))
#endif

namespace starling {

namespace {

// float → bf16 bits, round to nearest even; NaN stays a (quiet) NaN.
inline uint32_t bf16_bits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (u >> 16) | 0x40u;
  return (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
}

inline float bf16_round(float x) {
  const uint32_t u = bf16_bits(x) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}


// Rounds the operands into float32 copies and runs the level's FP32 GEMM on them.
void emulate(const GemmArgs& g, Bf16Work& work) {
  const long na = g.m * g.k, nb = g.k * g.n;
  float* ra = work.pack->get(static_cast<size_t>(na + nb));
  float* rb = ra + na;
  for (long i = 0; i < na; i++) ra[i] = bf16_round(g.a[i]);
  for (long i = 0; i < nb; i++) rb[i] = bf16_round(g.b[i]);
  GemmArgs r = g;
  r.a = ra;
  r.b = rb;
  work.table->gemm(r, *work.gemm, work.threads);
}

#if defined(__x86_64__) || defined(__i386__)
constexpr long kMr = 8, kNr = 32;

// out[q] = the pair (src[2q], src[2q+1]) as bf16 bits, low half first, for q < ⌈k/2⌉ (0 past k).
BF_TARGET void row_pairs(const float* src, long k, uint32_t* out) {
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  long q = 0;
  for (; 2 * q + 32 <= k; q += 16) {
    // Lanes of [lo|hi] hold the bf16 of src[2q + L]; pair t is lanes 2t and 2t + 1.
    const __m512i lo = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(src + 2 * q)));
    const __m512i hi = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(src + 2 * q + 16)));
    const __m512i ev = _mm512_permutex2var_epi32(lo, even, hi);
    const __m512i od = _mm512_permutex2var_epi32(lo, odd, hi);
    _mm512_storeu_si512(out + q, _mm512_or_si512(ev, _mm512_slli_epi32(od, 16)));
  }
  for (; 2 * q < k; q++) out[q] = bf16_bits(src[2 * q]) | (2 * q + 1 < k ? bf16_bits(src[2 * q + 1]) << 16 : 0u);
}

// out[j] = the pair (r0[j], r1[j]) for j < n (r1 null: a zero high half).
BF_TARGET void interleave_rows(const float* r0, const float* r1, long n, uint32_t* out, long stride) {
  long j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m512i lo = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(r0 + j)));
    const __m512i hi = r1 == nullptr ? _mm512_setzero_si512()
                                     : _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(r1 + j)));
    const __m512i pair = _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16));
    if (stride == 1) {
      _mm512_storeu_si512(out + j, pair);
    } else {
      alignas(64) uint32_t tmp[16];
      _mm512_store_si512(tmp, pair);
      for (int t = 0; t < 16; t++) out[(j + t) * stride] = tmp[t];
    }
  }
  for (; j < n; j++) out[j * stride] = bf16_bits(r0[j]) | (r1 == nullptr ? 0u : bf16_bits(r1[j]) << 16);
}

// Ap (mp × k2 pairs, mp = m rounded up to kMr, zero rows and a zero last half-pair as padding).
BF_TARGET void pack_a(const GemmArgs& g, long k2, long mp, uint32_t* ap) {
  for (long i = g.m * k2; i < mp * k2; i++) ap[i] = 0;
  if (!g.ta) {
    for (long i = 0; i < g.m; i++) row_pairs(g.a + i * g.k, g.k, ap + i * k2);
    return;
  }
  // A stored k × m: rows 2q and 2q + 1 give column q of Ap.
  for (long q = 0; q < k2; q++) {
    const float* r1 = 2 * q + 1 < g.k ? g.a + (2 * q + 1) * g.m : nullptr;
    interleave_rows(g.a + 2 * q * g.m, r1, g.m, ap + q, k2);
  }
}

// Bp (k2 × np pairs, np = n rounded up to kNr, zero columns as padding).
BF_TARGET void pack_b(const GemmArgs& g, long k2, long np, uint32_t* bp, uint32_t* row) {
  for (long q = 0; q < k2; q++)
    for (long j = g.n; j < np; j++) bp[q * np + j] = 0;
  if (!g.tb) {
    for (long q = 0; q < k2; q++) {
      const float* r1 = 2 * q + 1 < g.k ? g.b + (2 * q + 1) * g.n : nullptr;
      interleave_rows(g.b + 2 * q * g.n, r1, g.n, bp + q * np, 1);
    }
    return;
  }
  // B stored n × k: row j's pairs become column j of Bp.
  for (long j = 0; j < g.n; j++) {
    row_pairs(g.b + j * g.k, g.k, row);
    for (long q = 0; q < k2; q++) bp[q * np + j] = row[q];
  }
}

// One kMr × kNr tile of C over all k2 pairs.
BF_TARGET void tile(const uint32_t* ap, long k2, const uint32_t* bp, long np, const GemmArgs& g, long i0, long j0) {
  __m512 acc[kMr][2];
  for (int r = 0; r < kMr; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (long q = 0; q < k2; q++) {
    const __m512bh b0 = (__m512bh)_mm512_loadu_si512(bp + q * np);
    const __m512bh b1 = (__m512bh)_mm512_loadu_si512(bp + q * np + 16);
#pragma GCC unroll 8
    for (int r = 0; r < kMr; r++) {
      const __m512bh a = (__m512bh)_mm512_set1_epi32(static_cast<int>(ap[r * k2 + q]));
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
    }
  }
  const long rows = g.m - i0 < kMr ? g.m - i0 : kMr, cols = g.n - j0 < kNr ? g.n - j0 : kNr;
  const __m512 alpha = _mm512_set1_ps(g.alpha), beta = _mm512_set1_ps(g.beta);
  for (long r = 0; r < rows; r++) {
    float* c = g.c + (i0 + r) * g.n + j0;
    if (cols == kNr) {
      for (int v = 0; v < 2; v++) {
        __m512 out = _mm512_mul_ps(alpha, acc[r][v]);
        if (g.beta != 0.0f) out = _mm512_fmadd_ps(beta, _mm512_loadu_ps(c + 16 * v), out);
        _mm512_storeu_ps(c + 16 * v, out);
      }
    } else {
      float tmp[kNr];
      _mm512_storeu_ps(tmp, acc[r][0]);
      _mm512_storeu_ps(tmp + 16, acc[r][1]);
      for (long j = 0; j < cols; j++) c[j] = g.alpha * tmp[j] + (g.beta != 0.0f ? g.beta * c[j] : 0.0f);
    }
  }
}

BF_TARGET void native_bf16(const GemmArgs& g, Bf16Work& work) {
  const long k2 = (g.k + 1) / 2, mp = (g.m + kMr - 1) / kMr * kMr, np = (g.n + kNr - 1) / kNr * kNr;
  // Scratch holds floats; the packed pairs are 32-bit words of the same size.
  float* space = work.pack->get(static_cast<size_t>(mp * k2 + k2 * np + k2));
  uint32_t* ap = reinterpret_cast<uint32_t*>(space);
  uint32_t* bp = ap + mp * k2;
  pack_a(g, k2, mp, ap);
  pack_b(g, k2, np, bp, bp + k2 * np);
  for (long j0 = 0; j0 < g.n; j0 += kNr)
    for (long i0 = 0; i0 < g.m; i0 += kMr) tile(ap + i0 * k2, k2, bp + j0, np, g, i0, j0);
}
#endif

}  // namespace

bool cpu_has_avx512_bf16() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

void gemm_bf16(const GemmArgs& g, Bf16Work& work) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k <= 0) {
    for (long i = 0; i < g.m * g.n; i++) g.c[i] = g.beta == 0.0f ? 0.0f : g.beta * g.c[i];
    return;
  }
#if defined(__x86_64__) || defined(__i386__)
  if (work.native) {
    native_bf16(g, work);
    return;
  }
#endif
  emulate(g, work);
}

}  // namespace starling
