// The group-normalization methods: unpack (batch, channels, spatial, groups[, eps]) and the arrays, check
// every length (C divisible by G), then call the instance's conv table. The TS adapter validates first.
#include "addon.h"
#include "args.h"

namespace starling {

using S = StarlingNative;
using V = Napi::Value;
using Info = Napi::CallbackInfo;
#define RETURN_IF_FAILED \
  if (!ok) return info.Env().Undefined()

namespace {

struct GnDims {
  long n, c, s, g;
  size_t all() const { return static_cast<size_t>(n) * static_cast<size_t>(c) * static_cast<size_t>(s); }
  size_t stats() const { return static_cast<size_t>(n) * static_cast<size_t>(g); }
};

bool gn_dims(const Info& info, GnDims* d) {
  bool ok = true;
  d->n = dim_arg(info, 0, "batch", &ok);
  d->c = dim_arg(info, 1, "channels", &ok);
  d->s = dim_arg(info, 2, "spatial", &ok);
  d->g = dim_arg(info, 3, "groups", &ok);
  if (!ok) return false;
  if (d->g < 1 || d->c % d->g != 0 || static_cast<double>(d->n) * d->c * d->s > 2147483647.0) {
    throw_range(info.Env(), "groups must be ≥ 1 and divide channels");
    return false;
  }
  return true;
}

}  // namespace

// (batch, channels, spatial, groups, eps, x, gamma, beta, y, mean, rstd)
V S::GroupNormForward(const Info& info) {
  GnDims d;
  bool ok = gn_dims(info, &d);
  RETURN_IF_FAILED;
  const float eps = static_cast<float>(num_arg(info, 4));
  const float* x = f32_arg(info, 5, d.all(), "x", &ok);
  RETURN_IF_FAILED;
  const float* gamma = f32_arg(info, 6, static_cast<size_t>(d.c), "gamma", &ok);
  RETURN_IF_FAILED;
  const float* beta = f32_arg(info, 7, static_cast<size_t>(d.c), "beta", &ok);
  RETURN_IF_FAILED;
  float* y = f32_arg(info, 8, d.all(), "y", &ok);
  RETURN_IF_FAILED;
  float* mean = f32_arg(info, 9, d.stats(), "mean", &ok);
  RETURN_IF_FAILED;
  float* rstd = f32_arg(info, 10, d.stats(), "rstd", &ok);
  RETURN_IF_FAILED;
  conv_->group_norm_forward(d.n, d.c, d.s, d.g, eps, x, gamma, beta, y, mean, rstd);
  return info.Env().Undefined();
}

// (batch, channels, spatial, groups, x, gamma, mean, rstd, dy, dx, dgamma, dbeta)
V S::GroupNormBackward(const Info& info) {
  GnDims d;
  bool ok = gn_dims(info, &d);
  RETURN_IF_FAILED;
  const size_t c = static_cast<size_t>(d.c);
  const float* x = f32_arg(info, 4, d.all(), "x", &ok);
  RETURN_IF_FAILED;
  const float* gamma = f32_arg(info, 5, c, "gamma", &ok);
  RETURN_IF_FAILED;
  const float* mean = f32_arg(info, 6, d.stats(), "mean", &ok);
  RETURN_IF_FAILED;
  const float* rstd = f32_arg(info, 7, d.stats(), "rstd", &ok);
  RETURN_IF_FAILED;
  const float* dy = f32_arg(info, 8, d.all(), "dy", &ok);
  RETURN_IF_FAILED;
  float* dx = f32_arg(info, 9, d.all(), "dx", &ok);
  RETURN_IF_FAILED;
  float* dgamma = f32_arg(info, 10, c, "dgamma", &ok);
  RETURN_IF_FAILED;
  float* dbeta = f32_arg(info, 11, c, "dbeta", &ok);
  RETURN_IF_FAILED;
  conv_->group_norm_backward(d.n, d.c, d.s, d.g, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
  return info.Env().Undefined();
}

}  // namespace starling
