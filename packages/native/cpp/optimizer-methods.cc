// The optimizer methods: unpack and size-check the arguments of a training step (the stateful
// optimizer step and the fused plain-SGD passes of impl/fused.inc), then call the selected SIMD table.
#include "addon.h"
#include "args.h"

namespace starling {

using S = StarlingNative;
using V = Napi::Value;
using Info = Napi::CallbackInfo;
#define RETURN_IF_FAILED \
  if (!ok) return info.Env().Undefined()

// (kind, lr, wd, h0..h6, params, grad, state0?, state1?); see OptArgs in table.h.
V S::OptimizerStep(const Info& info) {
  bool ok = true;
  OptArgs o;
  const double kind = num_arg(info, 0);
  if (!(kind >= 0 && kind <= 7) || kind != static_cast<int>(kind)) {
    throw_range(info.Env(), "optimizer kind must be an integer in [0, 7]");
    return info.Env().Undefined();
  }
  o.kind = static_cast<int>(kind);
  o.lr = static_cast<float>(num_arg(info, 1));
  o.wd = static_cast<float>(num_arg(info, 2));
  for (int i = 0; i < kOptHyper; i++) o.h[i] = static_cast<float>(num_arg(info, 3 + i));
  const size_t n = f32_length(info, 10);
  o.n = static_cast<long>(n);
  o.params = f32_arg(info, 10, n, "params", &ok);
  RETURN_IF_FAILED;
  o.grad = f32_arg(info, 11, n, "grad", &ok);
  RETURN_IF_FAILED;
  const int slots = o.kind == 0 ? 0 : o.kind <= 4 ? 1 : 2;
  o.s0 = slots >= 1 ? f32_arg(info, 12, n, "state[0]", &ok) : nullptr;
  RETURN_IF_FAILED;
  o.s1 = slots >= 2 ? f32_arg(info, 13, n, "state[1]", &ok) : nullptr;
  RETURN_IF_FAILED;
  table_->optimizer_step(o);
  return info.Env().Undefined();
}

// (lr, l2, params, grad, out): out ← params − lr·(grad + l2·params), params untouched.
V S::SgdInto(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 2);
  const float* p = f32_arg(info, 2, n, "params", &ok);
  RETURN_IF_FAILED;
  const float* g = f32_arg(info, 3, n, "grad", &ok);
  RETURN_IF_FAILED;
  float* out = f32_arg(info, 4, n, "out", &ok);
  RETURN_IF_FAILED;
  const float lr = static_cast<float>(num_arg(info, 0));
  table_->sgd_into(static_cast<long>(n), lr, static_cast<float>(num_arg(info, 1)), p, g, out);
  return info.Env().Undefined();
}

// (lr, l2, params, grad, base, delta) → the first non-finite index of delta, or −1;
// delta ← (params − lr·(grad + l2·params)) − base, params untouched.
V S::SgdDelta(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 2);
  const float* p = f32_arg(info, 2, n, "params", &ok);
  RETURN_IF_FAILED;
  const float* g = f32_arg(info, 3, n, "grad", &ok);
  RETURN_IF_FAILED;
  const float* base = f32_arg(info, 4, n, "base", &ok);
  RETURN_IF_FAILED;
  float* d = f32_arg(info, 5, n, "delta", &ok);
  RETURN_IF_FAILED;
  const float lr = static_cast<float>(num_arg(info, 0));
  const long bad = table_->sgd_delta(static_cast<long>(n), lr, static_cast<float>(num_arg(info, 1)), p, g, base, d);
  return Napi::Number::New(info.Env(), static_cast<double>(bad));
}

// (lr, l2, params, grad, base, delta | null, weight, acc) → the first non-finite index of delta, or −1;
// SgdDelta then acc += weight·delta (float64, acc of params' length) in one pass; null: delta not written.
V S::SgdDeltaAcc(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 2);
  const float* p = f32_arg(info, 2, n, "params", &ok);
  RETURN_IF_FAILED;
  const float* g = f32_arg(info, 3, n, "grad", &ok);
  RETURN_IF_FAILED;
  const float* base = f32_arg(info, 4, n, "base", &ok);
  RETURN_IF_FAILED;
  float* d = nullptr;
  if (!info[5].IsNull()) {
    d = f32_arg(info, 5, n, "delta", &ok);
    RETURN_IF_FAILED;
  }
  double* acc = typed_arg<double>(info, 7, napi_float64_array, n, "acc", &ok);
  RETURN_IF_FAILED;
  const float lr = static_cast<float>(num_arg(info, 0));
  const float l2 = static_cast<float>(num_arg(info, 1));
  const long bad = table_->sgd_delta_acc(static_cast<long>(n), lr, l2, p, g, base, d, num_arg(info, 6), acc);
  return Napi::Number::New(info.Env(), static_cast<double>(bad));
}

}  // namespace starling
