// The robust methods: unpack and bound-check the arguments (a non-empty array of equal-length
// Float32Arrays, trim, the output's length), then call the instance's robust table. The TS adapter
// validates with clear messages first; these checks keep the raw binding memory-safe when called directly.
#include <string>
#include <vector>

#include "addon.h"
#include "args.h"

namespace starling {

using S = StarlingNative;
using V = Napi::Value;
using Info = Napi::CallbackInfo;

namespace {

// Argument i as n >= 1 Float32Arrays of one length (`want`, or the first one's when want < 0); fills
// `ptrs` and `d`, or throws and returns false.
bool vector_list(const Info& info, size_t i, long want, std::vector<const float*>* ptrs, long* d) {
  uint32_t n = 0;
  if (!array_arg(info, i, &n) || n == 0) {
    throw_type(info.Env(), "vectors must be a non-empty array of Float32Arrays");
    return false;
  }
  ptrs->resize(n);
  for (uint32_t k = 0; k < n; k++) {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_value item = array_element(info, i, k);
    if (item == nullptr || napi_get_typedarray_info(info.Env(), item, &type, &length, &data, nullptr, nullptr) != napi_ok ||
        type != napi_float32_array) {
      throw_type(info.Env(), "vectors must be Float32Arrays");
      return false;
    }
    if (want < 0) want = static_cast<long>(length);
    if (static_cast<long>(length) != want) {
      throw_range(info.Env(), "vectors[" + std::to_string(k) + "] must have " + std::to_string(want) + " entries");
      return false;
    }
    (*ptrs)[k] = static_cast<const float*>(data);
  }
  *d = want;
  return true;
}

}  // namespace

#define RETURN_IF_FAILED \
  if (!ok) return info.Env().Undefined()

// (vectors, out): out[i] = the median of coordinate i.
V S::CoordinateMedian(const Info& info) {
  bool ok = true;
  const size_t d = f32_length(info, 1);
  float* out = f32_arg(info, 1, d, "out", &ok);
  RETURN_IF_FAILED;
  std::vector<const float*> v;
  long len = 0;
  if (!vector_list(info, 0, static_cast<long>(d), &v, &len)) return info.Env().Undefined();
  robust_->median(v.data(), static_cast<long>(v.size()), len, out);
  return info.Env().Undefined();
}

// (vectors, trim, out): out[i] = the mean of coordinate i without its trim smallest and largest values.
V S::TrimmedMean(const Info& info) {
  bool ok = true;
  const size_t d = f32_length(info, 2);
  float* out = f32_arg(info, 2, d, "out", &ok);
  RETURN_IF_FAILED;
  std::vector<const float*> v;
  long len = 0;
  if (!vector_list(info, 0, static_cast<long>(d), &v, &len)) return info.Env().Undefined();
  const long n = static_cast<long>(v.size());
  const long trim = dim_arg(info, 1, "trim", &ok);
  RETURN_IF_FAILED;
  if (2 * trim >= n) {
    throw_range(info.Env(), "trim must satisfy 2·trim < n");
    return info.Env().Undefined();
  }
  robust_->trimmed_mean(v.data(), n, trim, len, out);
  return info.Env().Undefined();
}

// (vectors, out: Float64Array of at least n² entries).
V S::PairwiseSquaredDistances(const Info& info) {
  bool ok = true;
  std::vector<const float*> v;
  long d = 0;
  if (!vector_list(info, 0, -1, &v, &d)) return info.Env().Undefined();
  const long n = static_cast<long>(v.size());
  double* out = typed_arg<double>(info, 1, napi_float64_array, static_cast<size_t>(n * n), "out", &ok);
  RETURN_IF_FAILED;
  robust_->pairwise(v.data(), n, d, out);
  return info.Env().Undefined();
}

}  // namespace starling
