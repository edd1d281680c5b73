// The compression methods: unpack and bound-check the arguments (lengths, offsets, s and width, the
// Philox position), then call the instance's compression table. The TS adapter validates with clear
// messages first; these checks keep the raw binding memory-safe when called directly.
#include <cmath>

#include "addon.h"
#include "args.h"

namespace starling {

using S = StarlingNative;
using V = Napi::Value;
using Info = Napi::CallbackInfo;

namespace {

// The element count of typed array argument i, or 0 when it is not a typed array (typed_arg then throws).
size_t typed_length(const Info& info, size_t i) {
  napi_typedarray_type type;
  size_t length = 0;
  if (napi_get_typedarray_info(info.Env(), info[i], &type, &length, nullptr, nullptr, nullptr) != napi_ok) return 0;
  return length;
}

// An unsigned 32-bit integer argument; throws and returns false otherwise.
bool u32_arg(const Info& info, size_t i, const char* what, uint32_t* out) {
  const double v = num_arg(info, i);
  if (!(v >= 0 && v <= 4294967295.0) || v != std::floor(v)) {
    throw_range(info.Env(), std::string(what) + " must be an integer in [0, 2^32)");
    return false;
  }
  *out = static_cast<uint32_t>(v);
  return true;
}

// QSGD's (norm, s, width) at arguments i..i+2: norm finite ≥ 0, s in 1..65535, width its code bits.
bool qsgd_params(const Info& info, size_t i, double* norm, uint32_t* s, int* width) {
  *norm = num_arg(info, i);
  if (!(std::isfinite(*norm) && *norm >= 0)) {
    throw_range(info.Env(), "qsgd norm must be finite and >= 0");
    return false;
  }
  const double sv = num_arg(info, i + 1);
  if (!(sv >= 1 && sv <= 65535) || sv != std::floor(sv)) {
    throw_range(info.Env(), "qsgd s must be an integer in [1, 65535]");
    return false;
  }
  *s = static_cast<uint32_t>(sv);
  *width = qsgd_code_bits(*s);
  if (num_arg(info, i + 2) != *width) {
    throw_range(info.Env(), "qsgd width must be 1 + the bit length of s");
    return false;
  }
  return true;
}

// bytes (argument i) from `offset` (argument i + 1) must hold `need` bytes; returns the start or nullptr.
uint8_t* bytes_at(const Info& info, size_t i, size_t need, bool* ok) {
  const long offset = dim_arg(info, i + 1, "offset", ok);
  if (!*ok) return nullptr;
  uint8_t* base = typed_arg<uint8_t>(info, i, napi_uint8_array, static_cast<size_t>(offset) + need, "bytes", ok);
  return *ok ? base + offset : nullptr;
}

}  // namespace

#define RETURN_IF_FAILED \
  if (!ok) return info.Env().Undefined()

V S::FirstNonFinite(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 0);
  const float* x = f32_arg(info, 0, n, "x", &ok);
  RETURN_IF_FAILED;
  return Napi::Number::New(info.Env(), static_cast<double>(compress_->first_non_finite(x, n)));
}

V S::SumSquares8(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 0);
  const float* x = f32_arg(info, 0, n, "x", &ok);
  RETURN_IF_FAILED;
  return Napi::Number::New(info.Env(), compress_->sum_squares8(x, n));
}

// (x: Float32Array, out: Uint16Array) for fp16 (bf = false) and bf16.
V S::EncodeHalf(const Info& info, bool bf) {
  bool ok = true;
  const size_t n = f32_length(info, 0);
  const float* x = f32_arg(info, 0, n, "x", &ok);
  RETURN_IF_FAILED;
  uint16_t* out = typed_arg<uint16_t>(info, 1, napi_uint16_array, n, "out", &ok);
  RETURN_IF_FAILED;
  (bf ? compress_->encode_bf16 : compress_->encode_f16)(x, n, out);
  return info.Env().Undefined();
}

// (h: Uint16Array, out: Float32Array) → first Inf/NaN index or −1.
V S::DecodeHalf(const Info& info, bool bf) {
  bool ok = true;
  const size_t n = typed_length(info, 0);
  const uint16_t* h = typed_arg<uint16_t>(info, 0, napi_uint16_array, n, "h", &ok);
  RETURN_IF_FAILED;
  float* out = f32_arg(info, 1, n, "out", &ok);
  RETURN_IF_FAILED;
  const long bad = (bf ? compress_->decode_bf16 : compress_->decode_f16)(h, n, out);
  return Napi::Number::New(info.Env(), static_cast<double>(bad));
}

V S::EncodeF16(const Info& info) { return EncodeHalf(info, false); }
V S::DecodeF16(const Info& info) { return DecodeHalf(info, false); }
V S::EncodeBf16(const Info& info) { return EncodeHalf(info, true); }
V S::DecodeBf16(const Info& info) { return DecodeHalf(info, true); }

// (x, bytes, offset) → Σ|x_i|.
V S::PackSigns(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 0);
  const float* x = f32_arg(info, 0, n, "x", &ok);
  RETURN_IF_FAILED;
  uint8_t* bytes = bytes_at(info, 1, (n + 7) / 8, &ok);
  RETURN_IF_FAILED;
  return Napi::Number::New(info.Env(), compress_->pack_signs(x, n, bytes));
}

// (bytes, offset, scale, out) → padding clear.
V S::UnpackSigns(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 3);
  float* out = f32_arg(info, 3, n, "out", &ok);
  RETURN_IF_FAILED;
  const uint8_t* bytes = bytes_at(info, 0, (n + 7) / 8, &ok);
  RETURN_IF_FAILED;
  const float scale = static_cast<float>(num_arg(info, 2));
  return Napi::Boolean::New(info.Env(), compress_->unpack_signs(bytes, n, scale, out));
}

// (x, norm, s, width, k0, k1, counterLo, counterHi, word, bytes, offset).
V S::QsgdQuantizePack(const Info& info) {
  bool ok = true;
  QsgdArgs a;
  a.n = f32_length(info, 0);
  a.x = f32_arg(info, 0, a.n, "x", &ok);
  RETURN_IF_FAILED;
  if (!qsgd_params(info, 1, &a.norm, &a.s, &a.width)) return info.Env().Undefined();
  uint32_t lo = 0, hi = 0, word = 0;
  if (!u32_arg(info, 4, "k0", &a.start.k0) || !u32_arg(info, 5, "k1", &a.start.k1) ||
      !u32_arg(info, 6, "counterLo", &lo) || !u32_arg(info, 7, "counterHi", &hi) || !u32_arg(info, 8, "word", &word))
    return info.Env().Undefined();
  if (word > 3) {
    throw_range(info.Env(), "word must be in [0, 3]");
    return info.Env().Undefined();
  }
  a.start.counter = lo | (static_cast<uint64_t>(hi) << 32);
  a.start.word = static_cast<int>(word);
  a.bytes = bytes_at(info, 9, (a.n * a.width + 7) / 8, &ok);
  RETURN_IF_FAILED;
  compress_->qsgd_quantize_pack(a);
  return info.Env().Undefined();
}

// (bytes, offset, norm, s, width, out) → −1, the first bad code's index, or out.length for padding.
V S::QsgdUnpack(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 5);
  float* out = f32_arg(info, 5, n, "out", &ok);
  RETURN_IF_FAILED;
  double norm;
  uint32_t s;
  int width;
  if (!qsgd_params(info, 2, &norm, &s, &width)) return info.Env().Undefined();
  const uint8_t* bytes = bytes_at(info, 0, (n * width + 7) / 8, &ok);
  RETURN_IF_FAILED;
  return Napi::Number::New(info.Env(), static_cast<double>(compress_->qsgd_unpack(bytes, n, norm, s, width, out)));
}

}  // namespace starling
