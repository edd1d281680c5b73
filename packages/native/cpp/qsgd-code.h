// One QSGD entry (core: qsgd-kernels.ts). r = |v|·scale, level = ⌊r⌋ + [u < r − ⌊r⌋] capped at s,
// u = word·2⁻³². The test is written u + ⌊r⌋ < r: both sides are exact in float64 when ⌊r⌋ < s ≤ 2¹⁶
// (r − ⌊r⌋ is exact too), so it decides the same, and no fused multiply-add can change it. NaN gives
// code 0, as the reference's `NaN << 1` does.
#pragma once
#include <cmath>
#include <cstdint>

namespace starling {

inline uint32_t qsgd_code(float v, double scale, double s, uint32_t word) {
  const double r = std::fabs(static_cast<double>(v)) * scale;
  if (r != r) return 0;
  const double fl = std::floor(r);
  double level = s;
  if (fl < s) level = fl + (static_cast<double>(word) * 0x1p-32 + fl < r ? 1.0 : 0.0);
  const uint32_t l = static_cast<uint32_t>(level);
  return l == 0 ? 0 : (l << 1) | (v < 0 ? 1u : 0u);
}

// The decoded value ±level·step, computed in float64 and rounded once.
inline float qsgd_value(uint32_t code, double step) {
  const float m = static_cast<float>(static_cast<double>(code >> 1) * step);
  return code & 1 ? -m : m;
}

}  // namespace starling
