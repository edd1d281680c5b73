// The kernel methods: unpack and size-check arguments, then call the selected SIMD table.
#include <vector>

#include "addon.h"
#include "args.h"

namespace starling {

using S = StarlingNative;
using V = Napi::Value;
using Info = Napi::CallbackInfo;
#define RETURN_IF_FAILED \
  if (!ok) return info.Env().Undefined()

static size_t sz(long a, long b) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

V S::Gemm(const Info& info) {
  bool ok = true;
  GemmArgs g;
  g.ta = bool_arg(info, 0);
  g.tb = bool_arg(info, 1);
  g.m = dim_arg(info, 2, "m", &ok);
  g.n = dim_arg(info, 3, "n", &ok);
  g.k = dim_arg(info, 4, "k", &ok);
  RETURN_IF_FAILED;
  g.alpha = static_cast<float>(num_arg(info, 5));
  g.beta = static_cast<float>(num_arg(info, 8));
  g.a = f32_arg(info, 6, sz(g.m, g.k), "a", &ok);
  RETURN_IF_FAILED;
  g.b = f32_arg(info, 7, sz(g.k, g.n), "b", &ok);
  RETURN_IF_FAILED;
  g.c = f32_arg(info, 9, sz(g.m, g.n), "c", &ok);
  RETURN_IF_FAILED;
  if (bool_arg(info, 10)) {
    Bf16Work work = Bf16();
    gemm_bf16(g, work);
  } else {
    table_->gemm(g, scratch_, threads_);
  }
  return info.Env().Undefined();
}

V S::Axpy(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 1);
  const float* x = f32_arg(info, 1, n, "x", &ok);
  RETURN_IF_FAILED;
  float* y = f32_arg(info, 2, n, "y", &ok);
  RETURN_IF_FAILED;
  table_->axpy(static_cast<long>(n), static_cast<float>(num_arg(info, 0)), x, y);
  return info.Env().Undefined();
}

V S::Scale(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 1);
  float* x = f32_arg(info, 1, n, "x", &ok);
  RETURN_IF_FAILED;
  table_->scale(static_cast<long>(n), static_cast<float>(num_arg(info, 0)), x);
  return info.Env().Undefined();
}

V S::Sub(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 0);
  const float* a = f32_arg(info, 0, n, "a", &ok);
  RETURN_IF_FAILED;
  const float* b = f32_arg(info, 1, n, "b", &ok);
  RETURN_IF_FAILED;
  float* out = f32_arg(info, 2, n, "out", &ok);
  RETURN_IF_FAILED;
  table_->sub(static_cast<long>(n), a, b, out);
  return info.Env().Undefined();
}

V S::Dot(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 0);
  const float* x = f32_arg(info, 0, n, "x", &ok);
  RETURN_IF_FAILED;
  const float* y = f32_arg(info, 1, n, "y", &ok);
  RETURN_IF_FAILED;
  return Napi::Number::New(info.Env(), table_->dot(static_cast<long>(n), x, y));
}

V S::SumSquares(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 0);
  const float* x = f32_arg(info, 0, n, "x", &ok);
  RETURN_IF_FAILED;
  return Napi::Number::New(info.Env(), table_->sum_squares(static_cast<long>(n), x));
}

V S::SumAbs(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 0);
  const float* x = f32_arg(info, 0, n, "x", &ok);
  RETURN_IF_FAILED;
  return Napi::Number::New(info.Env(), table_->sum_abs(static_cast<long>(n), x));
}

// Activation codes: 0..5 (ACTIVATIONS order).
static int act_arg(const Info& info, size_t i, bool* ok) {
  const double a = num_arg(info, i);
  if (!(a >= 0 && a <= 5) || a != static_cast<int>(a)) {
    throw_range(info.Env(), "activation code must be an integer in [0, 5]");
    *ok = false;
  }
  return static_cast<int>(a);
}

V S::BiasActivation(const Info& info) {
  bool ok = true;
  const int act = act_arg(info, 0, &ok);
  const long rows = dim_arg(info, 1, "rows", &ok);
  const long cols = dim_arg(info, 2, "cols", &ok);
  RETURN_IF_FAILED;
  float* z = f32_arg(info, 3, sz(rows, cols), "z", &ok);
  RETURN_IF_FAILED;
  const float* bias = f32_arg(info, 4, static_cast<size_t>(cols), "bias", &ok);
  RETURN_IF_FAILED;
  float* a = f32_arg(info, 5, sz(rows, cols), "a", &ok);
  RETURN_IF_FAILED;
  table_->bias_activation(act, rows, cols, z, bias, a);
  return info.Env().Undefined();
}

V S::ActivationBackward(const Info& info) {
  bool ok = true;
  const int act = act_arg(info, 0, &ok);
  RETURN_IF_FAILED;
  const size_t n = f32_length(info, 1);
  const float* z = f32_arg(info, 1, n, "z", &ok);
  RETURN_IF_FAILED;
  const float* a = f32_arg(info, 2, n, "a", &ok);
  RETURN_IF_FAILED;
  const float* go = f32_arg(info, 3, n, "gradOut", &ok);
  RETURN_IF_FAILED;
  float* gi = f32_arg(info, 4, n, "gradIn", &ok);
  RETURN_IF_FAILED;
  table_->activation_backward(act, static_cast<long>(n), z, a, go, gi);
  return info.Env().Undefined();
}

V S::ColumnSums(const Info& info) {
  bool ok = true;
  const long rows = dim_arg(info, 0, "rows", &ok);
  const long cols = dim_arg(info, 1, "cols", &ok);
  RETURN_IF_FAILED;
  const float* x = f32_arg(info, 2, sz(rows, cols), "x", &ok);
  RETURN_IF_FAILED;
  float* out = f32_arg(info, 3, static_cast<size_t>(cols), "out", &ok);
  RETURN_IF_FAILED;
  table_->column_sums(rows, cols, x, out);
  return info.Env().Undefined();
}

V S::SoftmaxCrossEntropy(const Info& info) {
  bool ok = true;
  const long rows = dim_arg(info, 0, "rows", &ok);
  const long cols = dim_arg(info, 1, "cols", &ok);
  RETURN_IF_FAILED;
  const float* logits = f32_arg(info, 2, sz(rows, cols), "logits", &ok);
  RETURN_IF_FAILED;
  const int* labels = typed_arg<int>(info, 3, napi_int32_array, static_cast<size_t>(rows), "labels", &ok);
  RETURN_IF_FAILED;
  for (long r = 0; r < rows; r++) {
    if (labels[r] < 0 || labels[r] >= cols) {
      throw_range(info.Env(), "labels must lie in [0, cols)");
      return info.Env().Undefined();
    }
  }
  const float scale = static_cast<float>(num_arg(info, 4));
  float* grad = f32_arg(info, 5, sz(rows, cols), "grad", &ok);
  RETURN_IF_FAILED;
  float* row_loss = nullptr;
  if (!info[6].IsUndefined()) row_loss = f32_arg(info, 6, static_cast<size_t>(rows), "rowLoss", &ok);
  RETURN_IF_FAILED;
  return Napi::Number::New(info.Env(), table_->softmax_ce(rows, cols, logits, labels, scale, grad, row_loss));
}

V S::RowSumSquares(const Info& info) {
  bool ok = true;
  const long rows = dim_arg(info, 0, "rows", &ok);
  const long cols = dim_arg(info, 1, "cols", &ok);
  RETURN_IF_FAILED;
  const float* x = f32_arg(info, 2, sz(rows, cols), "x", &ok);
  RETURN_IF_FAILED;
  float* out = f32_arg(info, 3, static_cast<size_t>(rows), "out", &ok);
  RETURN_IF_FAILED;
  table_->row_sum_squares(rows, cols, x, out);
  return info.Env().Undefined();
}

V S::ScaleRows(const Info& info) {
  bool ok = true;
  const long rows = dim_arg(info, 0, "rows", &ok);
  const long cols = dim_arg(info, 1, "cols", &ok);
  RETURN_IF_FAILED;
  float* x = f32_arg(info, 2, sz(rows, cols), "x", &ok);
  RETURN_IF_FAILED;
  const float* scales = f32_arg(info, 3, static_cast<size_t>(rows), "scales", &ok);
  RETURN_IF_FAILED;
  table_->scale_rows(rows, cols, x, scales);
  return info.Env().Undefined();
}

V S::WeightedSum(const Info& info) {
  bool ok = true;
  uint32_t listed = 0;
  if (!array_arg(info, 1, &listed)) {
    throw_type(info.Env(), "vectors must be an array");
    return info.Env().Undefined();
  }
  const long count = listed;
  const double* w = typed_arg<double>(info, 0, napi_float64_array, static_cast<size_t>(count), "weights", &ok);
  RETURN_IF_FAILED;
  const size_t n = f32_length(info, 2);
  float* out = f32_arg(info, 2, n, "out", &ok);
  RETURN_IF_FAILED;
  std::vector<const float*> ptrs(static_cast<size_t>(count));
  for (long v = 0; v < count; v++) {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_value item = array_element(info, 1, static_cast<uint32_t>(v));
    if (item == nullptr ||
        napi_get_typedarray_info(info.Env(), item, &type, &length, &data, nullptr, nullptr) != napi_ok ||
        type != napi_float32_array || length != n) {
      throw_type(info.Env(), "vectors must be Float32Arrays of out.length entries");
      return info.Env().Undefined();
    }
    ptrs[static_cast<size_t>(v)] = static_cast<const float*>(data);
  }
  table_->weighted_sum(count, w, ptrs.data(), static_cast<long>(n), out);
  return info.Env().Undefined();
}

// (weight, x, acc): acc += weight·x, acc float64 of x's length.
V S::Accumulate(const Info& info) {
  bool ok = true;
  const size_t n = f32_length(info, 1);
  const float* x = f32_arg(info, 1, n, "x", &ok);
  RETURN_IF_FAILED;
  double* acc = typed_arg<double>(info, 2, napi_float64_array, n, "acc", &ok);
  RETURN_IF_FAILED;
  table_->accumulate(static_cast<long>(n), num_arg(info, 0), x, acc);
  return info.Env().Undefined();
}

// fmaPeak(iterations, multiplier) → flops performed; the checksum lands in a member so the work stays.
V S::FmaPeak(const Info& info) {
  const double it = num_arg(info, 0);
  float check = static_cast<float>(num_arg(info, 1));
  const double flops = table_->fma_peak(it > 0 ? static_cast<long>(it) : 0, &check);
  return Napi::Number::New(info.Env(), check == check ? flops : -flops);
}

}  // namespace starling
