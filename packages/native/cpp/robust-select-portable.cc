// Portable coordinate-wise median and trimmed mean: columns are gathered in blocks (so each vector is
// read in runs of kBlock floats), turned into totalOrder keys and selected with nth_element. Selection
// moves values without arithmetic, so any correct algorithm gives the reference's bits; the only
// arithmetic (the even median's midpoint, the trimmed sum) follows the reference's float64 order.
#include <algorithm>
#include <cstring>

#include "robust.h"

namespace starling {
namespace robust_portable {

namespace {

constexpr long kBlock = 64;

inline float key_to_float(int32_t key) {
  const int32_t bits = order_key(key);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// keys[l·n + k] = key of v[k][c0 + l] for l < c1 − c0.
void gather(const float* const* v, long n, long c0, long c1, int32_t* keys) {
  for (long k = 0; k < n; k++) {
    const float* row = v[k] + c0;
    for (long l = 0; l < c1 - c0; l++) {
      int32_t bits;
      std::memcpy(&bits, row + l, 4);
      keys[l * n + k] = order_key(bits);
    }
  }
}

float median_of(int32_t* col, long n) {
  const long mid = n / 2;
  std::nth_element(col, col + mid, col + n);
  const float hi = key_to_float(col[mid]);
  if (n & 1) return hi;
  const float lo = key_to_float(*std::max_element(col, col + mid));
  return static_cast<float>((static_cast<double>(lo) + static_cast<double>(hi)) / 2);
}

float trimmed_of(int32_t* col, long n, long trim) {
  const long end = n - trim;
  std::nth_element(col, col + trim, col + n);
  std::nth_element(col + trim, col + end - 1, col + n);
  std::sort(col + trim, col + end);
  double s = key_to_float(col[trim]);
  for (long k = trim + 1; k < end; k++) s += key_to_float(col[k]);
  return static_cast<float>(s / static_cast<double>(end - trim));
}

}  // namespace

void median_range(const float* const* v, long n, long c0, long c1, float* out) {
  std::vector<int32_t> keys(static_cast<size_t>(n * kBlock));
  for (long b = c0; b < c1; b += kBlock) {
    const long e = std::min(c1, b + kBlock);
    gather(v, n, b, e, keys.data());
    for (long l = 0; l < e - b; l++) out[b + l] = median_of(keys.data() + l * n, n);
  }
}

void trimmed_range(const float* const* v, long n, long trim, long c0, long c1, float* out) {
  std::vector<int32_t> keys(static_cast<size_t>(n * kBlock));
  for (long b = c0; b < c1; b += kBlock) {
    const long e = std::min(c1, b + kBlock);
    gather(v, n, b, e, keys.data());
    for (long l = 0; l < e - b; l++) out[b + l] = trimmed_of(keys.data() + l * n, n, trim);
  }
}

void median(const float* const* v, long n, long d, float* out) { median_range(v, n, 0, d, out); }

void trimmed_mean(const float* const* v, long n, long trim, long d, float* out) {
  trimmed_range(v, n, trim, 0, d, out);
}

}  // namespace robust_portable
}  // namespace starling
