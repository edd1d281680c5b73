// QSGD stochastic rounding and packing (core: qsgdQuantizePack), one Philox word per entry in index
// order from the stream position in QsgdArgs::start. Portable: one block and one code at a time.
// AVX2: 16 Philox blocks per step, 8 codes per step, and for widths ≤ 8 each group of 8 codes written
// as W whole bytes.
#include <algorithm>

#include "bits.h"
#include "compress.h"
#include "philox.h"
#include "qsgd-code.h"

#if defined(__x86_64__) || defined(__i386__)
#include "philox-avx2.h"
#endif

namespace starling {

namespace {
inline double qsgd_scale(const QsgdArgs& a) { return a.norm > 0 ? a.s / a.norm : 0.0; }
}  // namespace

namespace compress_portable {

void qsgd_quantize_pack(const QsgdArgs& a) {
  const double scale = qsgd_scale(a), s = a.s;
  uint32_t block[4];
  uint64_t counter = a.start.counter;
  int used = a.start.word;
  if (a.n > 0) philox_block(counter, a.start.k0, a.start.k1, block);
  BitWriter out(a.bytes);
  for (size_t i = 0; i < a.n; i++) {
    if (used == 4) {
      philox_block(++counter, a.start.k0, a.start.k1, block);
      used = 0;
    }
    out.put(qsgd_code(a.x[i], scale, s, block[used++]), a.width);
  }
  out.finish();
}

}  // namespace compress_portable

#if defined(__x86_64__) || defined(__i386__)
namespace compress_avx2 {

#define AVX2_FN __attribute__((target("avx2")))

// uint32 lanes → exact doubles (cvtepi32 is signed: flip the top bit, then add 2³¹ back).
AVX2_FN static inline __m256d u32_to_pd(__m128i w) {
  const __m128i flip = _mm_set1_epi32(static_cast<int>(0x80000000u));
  return _mm256_add_pd(_mm256_cvtepi32_pd(_mm_xor_si128(w, flip)), _mm256_set1_pd(2147483648.0));
}

// Four levels: ⌊r⌋ + [u + ⌊r⌋ < r], capped at s. min_pd returns its second operand when one is NaN,
// so a NaN r stays NaN and converts to INT_MIN, which codes8 turns into code 0 (as the reference).
AVX2_FN static inline __m128i levels4(__m128 v, __m128i words, __m256d scale, __m256d s) {
  const __m256d r = _mm256_mul_pd(_mm256_cvtps_pd(v), scale);
  const __m256d fl = _mm256_round_pd(r, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  const __m256d u = _mm256_mul_pd(u32_to_pd(words), _mm256_set1_pd(0x1p-32));
  const __m256d inc = _mm256_and_pd(_mm256_cmp_pd(_mm256_add_pd(u, fl), r, _CMP_LT_OQ), _mm256_set1_pd(1.0));
  return _mm256_cvttpd_epi32(_mm256_min_pd(s, _mm256_add_pd(fl, inc)));
}

// Eight codes level·2 + sign (the sign bit of v, kept only when the level is positive: −0 has level 0).
AVX2_FN static inline __m256i codes8(const float* x, const uint32_t* words, __m256d scale, __m256d s) {
  const __m256 v = _mm256_loadu_ps(x);
  const __m256 mag = _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
  const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(words));
  const __m128i lo = levels4(_mm256_castps256_ps128(mag), _mm256_castsi256_si128(w), scale, s);
  const __m128i hi = levels4(_mm256_extractf128_ps(mag, 1), _mm256_extracti128_si256(w, 1), scale, s);
  const __m256i level = _mm256_set_m128i(hi, lo);
  const __m256i neg = _mm256_srli_epi32(_mm256_castps_si256(v), 31);
  const __m256i sign = _mm256_and_si256(neg, _mm256_cmpgt_epi32(level, _mm256_setzero_si256()));
  return _mm256_or_si256(_mm256_slli_epi32(level, 1), sign);
}

// Eight codes (each < 256) as the bytes of one 64-bit word, code j in byte j.
AVX2_FN static inline uint64_t code_bytes(__m256i codes) {
  const __m256i w16 = _mm256_packus_epi32(codes, codes);
  const __m256i w8 = _mm256_packus_epi16(w16, w16);
  const uint32_t lo = static_cast<uint32_t>(_mm256_cvtsi256_si32(w8));
  const uint32_t hi = static_cast<uint32_t>(_mm256_extract_epi32(w8, 4));
  return lo | (static_cast<uint64_t>(hi) << 32);
}

// W in 2..8: byte-aligned groups; W = 0: any width through a BitWriter.
template <int W>
AVX2_FN static void quantize_pack(const QsgdArgs& a) {
  constexpr size_t kChunk = 256;
  const double scale = qsgd_scale(a);
  const __m256d scale_v = _mm256_set1_pd(scale), s_v = _mm256_set1_pd(a.s);
  const PhiloxKeys keys(a.start.k0, a.start.k1);
  uint8_t* end = a.bytes + (a.n * a.width + 7) / 8;
  alignas(32) uint32_t words[kChunk + 64];
  alignas(32) uint32_t tmp[8];
  BitWriter stream(a.bytes);
  for (size_t i = 0; i < a.n; i += kChunk) {
    const size_t m = std::min(kChunk, a.n - i);
    const size_t blocks = (a.start.word + m + 3) / 4;
    for (size_t b = 0; b < blocks; b += 16) philox16(a.start.counter + i / 4 + b, keys, words + 4 * b);
    const uint32_t* w = words + a.start.word;
    size_t k = 0;
    for (; k + 8 <= m; k += 8) {
      const __m256i codes = codes8(a.x + i + k, w + k, scale_v, s_v);
      if constexpr (W > 0) {
        store_group(a.bytes + (i + k) / 8 * W, end, squeeze8<W>(code_bytes(codes)), W);
      } else {
        _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), codes);
        for (int j = 0; j < 8; j++) stream.put(tmp[j], a.width);
      }
    }
    if constexpr (W > 0) {
      if (k < m) {
        BitWriter tail(a.bytes + (i + k) / 8 * W);
        for (; k < m; k++) tail.put(qsgd_code(a.x[i + k], scale, a.s, w[k]), W);
        tail.finish();
      }
    } else {
      for (; k < m; k++) stream.put(qsgd_code(a.x[i + k], scale, a.s, w[k]), a.width);
    }
  }
  if constexpr (W == 0) stream.finish();
}

void qsgd_quantize_pack(const QsgdArgs& a) {
  switch (a.width) {
    case 2: return quantize_pack<2>(a);
    case 3: return quantize_pack<3>(a);
    case 4: return quantize_pack<4>(a);
    case 5: return quantize_pack<5>(a);
    case 6: return quantize_pack<6>(a);
    case 7: return quantize_pack<7>(a);
    case 8: return quantize_pack<8>(a);
    default: return quantize_pack<0>(a);
  }
}

}  // namespace compress_avx2
#endif

}  // namespace starling
