// The convolution methods: unpack the geometry (an Int32Array [N, C, H, W, K, kh, kw, sH, sW, pH, pW, OH,
// OW]) and the arrays, check that every array is long enough for it, then call the instance's conv table.
// The TS adapter (native-conv-kernels.ts) validates with clear messages first; these checks keep the raw
// binding memory-safe when called directly.
#include <string>

#include "addon.h"
#include "args.h"

namespace starling {

using S = StarlingNative;
using V = Napi::Value;
using Info = Napi::CallbackInfo;
#define RETURN_IF_FAILED \
  if (!ok) return info.Env().Undefined()

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

size_t inputs(const ConvGeom& g) { return static_cast<size_t>(g.n * g.c * g.h * g.w); }
size_t outputs(const ConvGeom& g) { return static_cast<size_t>(g.n * g.k * g.oh * g.ow); }
size_t weights(const ConvGeom& g) { return static_cast<size_t>(g.k * g.c * g.kh * g.kw); }

}  // namespace

// (geometry, x, w, b, y[, bf16])
V S::Conv2dForward(const Info& info) {
  ConvGeom g;
  bool ok = geometry_arg(info, false, &g);
  RETURN_IF_FAILED;
  const float* x = f32_arg(info, 1, inputs(g), "x", &ok);
  RETURN_IF_FAILED;
  const float* w = f32_arg(info, 2, weights(g), "w", &ok);
  RETURN_IF_FAILED;
  const float* b = f32_arg(info, 3, static_cast<size_t>(g.k), "b", &ok);
  RETURN_IF_FAILED;
  float* y = f32_arg(info, 4, outputs(g), "y", &ok);
  RETURN_IF_FAILED;
  Bf16Work bf16 = Bf16();
  const bool low = info.Length() > 5 && info[5].ToBoolean().Value();
  ConvWork work = {&scratch_, &conv_cols_, &conv_tmp_, threads_, low ? &bf16 : nullptr};
  conv_->conv_forward(g, x, w, b, y, work);
  return info.Env().Undefined();
}

// (geometry, x, w, dy, dw, db, dx | null[, bf16])
V S::Conv2dBackward(const Info& info) {
  ConvGeom g;
  bool ok = geometry_arg(info, false, &g);
  RETURN_IF_FAILED;
  const float* x = f32_arg(info, 1, inputs(g), "x", &ok);
  RETURN_IF_FAILED;
  const float* w = f32_arg(info, 2, weights(g), "w", &ok);
  RETURN_IF_FAILED;
  const float* dy = f32_arg(info, 3, outputs(g), "dy", &ok);
  RETURN_IF_FAILED;
  float* dw = f32_arg(info, 4, weights(g), "dw", &ok);
  RETURN_IF_FAILED;
  float* db = f32_arg(info, 5, static_cast<size_t>(g.k), "db", &ok);
  RETURN_IF_FAILED;
  float* dx = nullptr;
  if (!info[6].IsNull() && !info[6].IsUndefined()) {
    dx = f32_arg(info, 6, inputs(g), "dx", &ok);
    RETURN_IF_FAILED;
  }
  Bf16Work bf16 = Bf16();
  const bool low = info.Length() > 7 && info[7].ToBoolean().Value();
  ConvWork work = {&scratch_, &conv_cols_, &conv_tmp_, threads_, low ? &bf16 : nullptr};
  conv_->conv_backward(g, x, w, dy, dw, db, dx, work);
  return info.Env().Undefined();
}

// (geometry, x, dy, out: Float64Array)
V S::Conv2dGradSqNorms(const Info& info) {
  ConvGeom g;
  bool ok = geometry_arg(info, false, &g);
  RETURN_IF_FAILED;
  const float* x = f32_arg(info, 1, inputs(g), "x", &ok);
  RETURN_IF_FAILED;
  const float* dy = f32_arg(info, 2, outputs(g), "dy", &ok);
  RETURN_IF_FAILED;
  double* out = typed_arg<double>(info, 3, napi_float64_array, static_cast<size_t>(g.n), "out", &ok);
  RETURN_IF_FAILED;
  ConvWork work = {&scratch_, &conv_cols_, &conv_tmp_, threads_, nullptr};
  conv_->conv_grad_sq_norms(g, x, dy, out, work);
  return info.Env().Undefined();
}

// (geometry, x, y, argmax: Int32Array)
V S::MaxPool2dForward(const Info& info) {
  ConvGeom g;
  bool ok = geometry_arg(info, true, &g);
  RETURN_IF_FAILED;
  const float* x = f32_arg(info, 1, inputs(g), "x", &ok);
  RETURN_IF_FAILED;
  float* y = f32_arg(info, 2, outputs(g), "y", &ok);
  RETURN_IF_FAILED;
  int32_t* argmax = typed_arg<int32_t>(info, 3, napi_int32_array, outputs(g), "argmax", &ok);
  RETURN_IF_FAILED;
  conv_->max_pool_forward(g, x, y, argmax);
  return info.Env().Undefined();
}

// (geometry, dy, argmax, dx): every argmax entry must index dx.
V S::MaxPool2dBackward(const Info& info) {
  ConvGeom g;
  bool ok = geometry_arg(info, true, &g);
  RETURN_IF_FAILED;
  const float* dy = f32_arg(info, 1, outputs(g), "dy", &ok);
  RETURN_IF_FAILED;
  const int32_t* argmax = typed_arg<int32_t>(info, 2, napi_int32_array, outputs(g), "argmax", &ok);
  RETURN_IF_FAILED;
  float* dx = f32_arg(info, 3, inputs(g), "dx", &ok);
  RETURN_IF_FAILED;
  const size_t bad = first_outside(argmax, outputs(g), static_cast<int64_t>(inputs(g)));
  if (bad < outputs(g)) {
    throw_range(info.Env(), "argmax[" + std::to_string(bad) + "] is outside dx");
    return info.Env().Undefined();
  }
  conv_->max_pool_backward(g, dy, argmax, dx);
  return info.Env().Undefined();
}

// (geometry, x, y)
V S::AvgPool2dForward(const Info& info) {
  ConvGeom g;
  bool ok = geometry_arg(info, true, &g);
  RETURN_IF_FAILED;
  const float* x = f32_arg(info, 1, inputs(g), "x", &ok);
  RETURN_IF_FAILED;
  float* y = f32_arg(info, 2, outputs(g), "y", &ok);
  RETURN_IF_FAILED;
  conv_->avg_pool_forward(g, x, y);
  return info.Env().Undefined();
}

// (geometry, dy, dx)
V S::AvgPool2dBackward(const Info& info) {
  ConvGeom g;
  bool ok = geometry_arg(info, true, &g);
  RETURN_IF_FAILED;
  const float* dy = f32_arg(info, 1, outputs(g), "dy", &ok);
  RETURN_IF_FAILED;
  float* dx = f32_arg(info, 2, inputs(g), "dx", &ok);
  RETURN_IF_FAILED;
  conv_->avg_pool_backward(g, dy, dx);
  return info.Env().Undefined();
}

}  // namespace starling
