// The convolution methods: one reader (conv_args) unpacks the geometry (an Int32Array [N, C, H, W, K, kh,
// kw, sH, sW, pH, pW, OH, OW]) and the method's arrays, each checked to be long enough for the geometry,
// then the method calls the instance's conv table. The TS adapter (native-conv-kernels.ts) validates with
// clear messages first; these checks keep the raw binding memory-safe when called directly.
#include <cstdint>
#include <string>

#include "addon.h"
#include "args.h"

namespace starling {

using S = StarlingNative;
using V = Napi::Value;
using Info = Napi::CallbackInfo;

namespace {

constexpr double kMaxEntries = 2147483647.0;

// The geometry at argument 0, or false after throwing. Sizes must stay below 2^31 entries.
bool geometry_arg(const Info& info, bool pool, ConvGeom* g) {
  bool ok = true;
  const int32_t* v = typed_arg<int32_t>(info, 0, napi_int32_array, 13, "geometry", &ok);
  if (!ok) return false;
  *g = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]};
  const bool positive = g->n > 0 && g->c > 0 && g->h > 0 && g->w > 0 && g->k > 0 && g->kh > 0 && g->kw > 0 &&
                        g->sh > 0 && g->sw > 0 && g->ph >= 0 && g->pw >= 0 && g->ph < g->kh && g->pw < g->kw;
  const bool shape = positive && g->h + 2 * g->ph >= g->kh && g->w + 2 * g->pw >= g->kw &&
                     g->oh == (g->h + 2 * g->ph - g->kh) / g->sh + 1 && g->ow == (g->w + 2 * g->pw - g->kw) / g->sw + 1;
  const double in = static_cast<double>(g->n) * g->c * g->h * g->w;
  const double out = static_cast<double>(g->n) * g->k * g->oh * g->ow;
  const double unfolded = static_cast<double>(g->oh) * g->ow * g->c * g->kh * g->kw;
  if (!shape || (pool && g->k != g->c) || in > kMaxEntries || out > kMaxEntries || unfolded > kMaxEntries) {
    throw_range(info.Env(), "geometry is not a valid Conv2dGeometry");
    return false;
  }
  return true;
}

size_t inputs(const ConvGeom& g) { return static_cast<size_t>(g.n * g.c * g.h * g.w); }
size_t outputs(const ConvGeom& g) { return static_cast<size_t>(g.n * g.k * g.oh * g.ow); }

// What an array argument holds, and so how many entries the geometry needs of it.
enum class Extent { kInputs, kOutputs, kWeights, kChannels, kBatch };

size_t entries(const ConvGeom& g, Extent e) {
  switch (e) {
    case Extent::kInputs:
      return inputs(g);
    case Extent::kOutputs:
      return outputs(g);
    case Extent::kWeights:
      return static_cast<size_t>(g.k * g.c * g.kh * g.kw);
    case Extent::kChannels:
      return static_cast<size_t>(g.k);
    default:
      return static_cast<size_t>(g.n);
  }
}

// One array argument: its element type, extent and name; `nullable` accepts null/undefined (→ nullptr).
struct ArraySpec {
  napi_typedarray_type type;
  Extent extent;
  const char* what;
  bool nullable;
};

constexpr ArraySpec f32(Extent e, const char* what, bool nullable = false) {
  return {napi_float32_array, e, what, nullable};
}

// Reads the geometry (argument 0, `pool`: K must equal C) and arguments 1..N as `specs` say into `out`;
// false after throwing.
template <size_t N>
bool conv_args(const Info& info, bool pool, const ArraySpec (&specs)[N], ConvGeom* g, void* (&out)[N]) {
  if (!geometry_arg(info, pool, g)) return false;
  bool ok = true;
  for (size_t i = 0; i < N && ok; i++) {
    const ArraySpec& s = specs[i];
    const Napi::Value v = info[i + 1];
    out[i] = s.nullable && (v.IsNull() || v.IsUndefined())
                 ? nullptr
                 : typed_arg<void>(info, i + 1, s.type, entries(*g, s.extent), s.what, &ok);
  }
  return ok;
}

// The first index t with idx[t] outside [0, limit), or n. A branch-free count first (it vectorizes);
// the scan for the position runs only when something is out of range.
size_t first_outside(const int32_t* idx, size_t n, int64_t limit) {
  const uint32_t ulimit = static_cast<uint32_t>(limit);
  uint32_t outside = 0;
  for (size_t t = 0; t < n; t++) outside |= static_cast<uint32_t>(static_cast<uint32_t>(idx[t]) >= ulimit);
  if (outside == 0) return n;
  size_t t = 0;
  while (t < n && static_cast<uint32_t>(idx[t]) < ulimit) t++;
  return t;
}

const float* cf(void* p) { return static_cast<const float*>(p); }
float* mf(void* p) { return static_cast<float*>(p); }
bool flag(const Info& info, size_t i) { return bool_arg(info, i); }

}  // namespace

// (geometry, x, w, b, y[, bf16[, direct]])
V S::Conv2dForward(const Info& info) {
  static constexpr ArraySpec kArgs[] = {f32(Extent::kInputs, "x"), f32(Extent::kWeights, "w"),
                                        f32(Extent::kChannels, "b"), f32(Extent::kOutputs, "y")};
  ConvGeom g;
  void* a[4];
  if (!conv_args(info, false, kArgs, &g, a)) return info.Env().Undefined();
  Bf16Work bf16 = Bf16();
  ConvWork work = {&scratch_, &conv_cols_, &conv_tmp_, threads_, flag(info, 5) ? &bf16 : nullptr, &conv_offsets_,
                   flag(info, 6)};
  conv_->conv_forward(g, cf(a[0]), cf(a[1]), cf(a[2]), mf(a[3]), work);
  return info.Env().Undefined();
}

// (geometry, x, w, dy, dw, db, dx | null[, bf16[, direct]])
V S::Conv2dBackward(const Info& info) {
  static constexpr ArraySpec kArgs[] = {f32(Extent::kInputs, "x"),   f32(Extent::kWeights, "w"),
                                        f32(Extent::kOutputs, "dy"), f32(Extent::kWeights, "dw"),
                                        f32(Extent::kChannels, "db"), f32(Extent::kInputs, "dx", true)};
  ConvGeom g;
  void* a[6];
  if (!conv_args(info, false, kArgs, &g, a)) return info.Env().Undefined();
  Bf16Work bf16 = Bf16();
  ConvWork work = {&scratch_, &conv_cols_, &conv_tmp_, threads_, flag(info, 7) ? &bf16 : nullptr, &conv_offsets_,
                   flag(info, 8)};
  conv_->conv_backward(g, cf(a[0]), cf(a[1]), cf(a[2]), mf(a[3]), mf(a[4]), mf(a[5]), work);
  return info.Env().Undefined();
}

// (geometry, x, dy, out: Float64Array)
V S::Conv2dGradSqNorms(const Info& info) {
  static constexpr ArraySpec kArgs[] = {f32(Extent::kInputs, "x"), f32(Extent::kOutputs, "dy"),
                                        {napi_float64_array, Extent::kBatch, "out", false}};
  ConvGeom g;
  void* a[3];
  if (!conv_args(info, false, kArgs, &g, a)) return info.Env().Undefined();
  ConvWork work = {&scratch_, &conv_cols_, &conv_tmp_, threads_, nullptr, &conv_offsets_, false};
  conv_->conv_grad_sq_norms(g, cf(a[0]), cf(a[1]), static_cast<double*>(a[2]), work);
  return info.Env().Undefined();
}

// (geometry, x, y, argmax: Int32Array)
V S::MaxPool2dForward(const Info& info) {
  static constexpr ArraySpec kArgs[] = {f32(Extent::kInputs, "x"), f32(Extent::kOutputs, "y"),
                                        {napi_int32_array, Extent::kOutputs, "argmax", false}};
  ConvGeom g;
  void* a[3];
  if (!conv_args(info, true, kArgs, &g, a)) return info.Env().Undefined();
  conv_->max_pool_forward(g, cf(a[0]), mf(a[1]), static_cast<int32_t*>(a[2]));
  return info.Env().Undefined();
}

// (geometry, dy, argmax, dx): every argmax entry must index dx.
V S::MaxPool2dBackward(const Info& info) {
  static constexpr ArraySpec kArgs[] = {f32(Extent::kOutputs, "dy"),
                                        {napi_int32_array, Extent::kOutputs, "argmax", false},
                                        f32(Extent::kInputs, "dx")};
  ConvGeom g;
  void* a[3];
  if (!conv_args(info, true, kArgs, &g, a)) return info.Env().Undefined();
  const int32_t* argmax = static_cast<const int32_t*>(a[1]);
  const size_t bad = first_outside(argmax, outputs(g), static_cast<int64_t>(inputs(g)));
  if (bad < outputs(g)) {
    throw_range(info.Env(), "argmax[" + std::to_string(bad) + "] is outside dx");
    return info.Env().Undefined();
  }
  conv_->max_pool_backward(g, cf(a[0]), argmax, mf(a[2]));
  return info.Env().Undefined();
}

// (geometry, x, y)
V S::AvgPool2dForward(const Info& info) {
  static constexpr ArraySpec kArgs[] = {f32(Extent::kInputs, "x"), f32(Extent::kOutputs, "y")};
  ConvGeom g;
  void* a[2];
  if (!conv_args(info, true, kArgs, &g, a)) return info.Env().Undefined();
  conv_->avg_pool_forward(g, cf(a[0]), mf(a[1]));
  return info.Env().Undefined();
}

// (geometry, dy, dx)
V S::AvgPool2dBackward(const Info& info) {
  static constexpr ArraySpec kArgs[] = {f32(Extent::kOutputs, "dy"), f32(Extent::kInputs, "dx")};
  ConvGeom g;
  void* a[2];
  if (!conv_args(info, true, kArgs, &g, a)) return info.Env().Undefined();
  conv_->avg_pool_backward(g, cf(a[0]), mf(a[1]));
  return info.Env().Undefined();
}

}  // namespace starling
