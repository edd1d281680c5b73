// Argument readers for the binding. The TS adapter validates everything with clear messages; these
// checks only keep the raw binding memory-safe when it is called directly.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

namespace starling {

// The throws and reads below use the C calls, which report a failure as a status: while a worker thread is
// being terminated (a pool destroyed on Ctrl-C while a pool thread is in a kernel), no call into JS succeeds,
// and node-addon-api's Error::New / ThrowAsJavaScriptException / Value::ToBoolean then abort the whole
// process (FATAL ERROR ... napi_throw; about 1 Ctrl-C in 7 of a threads run, exit 134 instead of 130).
inline void throw_type(Napi::Env env, const std::string& msg) { napi_throw_type_error(env, nullptr, msg.c_str()); }

inline void throw_range(Napi::Env env, const std::string& msg) { napi_throw_range_error(env, nullptr, msg.c_str()); }

// A boolean argument (the TS adapters pass true or false): anything else, an absent argument or a failed
// read is false. napi_get_value_bool never calls into JS.
inline bool bool_arg(const Napi::CallbackInfo& info, size_t i) {
  bool v = false;
  if (i >= info.Length() || napi_get_value_bool(info.Env(), info[i], &v) != napi_ok) return false;
  return v;
}

// Argument i's elements when it is a JS array: their count, read with the C calls (see throw_type); false,
// with nothing thrown, when it is not an array or cannot be read.
inline bool array_arg(const Napi::CallbackInfo& info, size_t i, uint32_t* length) {
  bool is_array = false;
  if (i >= info.Length() || napi_is_array(info.Env(), info[i], &is_array) != napi_ok || !is_array) return false;
  return napi_get_array_length(info.Env(), info[i], length) == napi_ok;
}

// Element k of array argument i (after array_arg), or nullptr when it cannot be read.
inline napi_value array_element(const Napi::CallbackInfo& info, size_t i, uint32_t k) {
  napi_value v = nullptr;
  return napi_get_element(info.Env(), info[i], k, &v) == napi_ok ? v : nullptr;
}

// A typed array argument of the given element type with at least `need` elements, or nullptr after
// throwing. An empty array may yield a null data pointer; callers then touch no elements.
template <typename T>
inline T* typed_arg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type want, size_t need,
                    const char* what, bool* ok) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != want) {
    throw_type(info.Env(), std::string(what) + " has the wrong array type");
    *ok = false;
    return nullptr;
  }
  if (length < need) {
    throw_range(info.Env(), std::string(what) + " has " + std::to_string(length) + " entries, needs " +
                                std::to_string(need));
    *ok = false;
    return nullptr;
  }
  return static_cast<T*>(data);
}

inline float* f32_arg(const Napi::CallbackInfo& info, size_t i, size_t need, const char* what, bool* ok) {
  return typed_arg<float>(info, i, napi_float32_array, need, what, ok);
}

inline size_t f32_length(const Napi::CallbackInfo& info, size_t i) {
  napi_typedarray_type type;
  size_t length = 0;
  if (napi_get_typedarray_info(info.Env(), info[i], &type, &length, nullptr, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array)
    return 0;
  return length;
}

inline double num_arg(const Napi::CallbackInfo& info, size_t i) {
  double v = 0;
  if (napi_get_value_double(info.Env(), info[i], &v) != napi_ok) return 0.0 / 0.0;
  return v;
}

// A dimension: an integer in [0, 2^31). Throws and returns -1 otherwise.
inline long dim_arg(const Napi::CallbackInfo& info, size_t i, const char* what, bool* ok) {
  const double v = num_arg(info, i);
  if (!(v >= 0 && v < 2147483648.0) || v != static_cast<double>(static_cast<long>(v))) {
    throw_range(info.Env(), std::string(what) + " must be a non-negative integer below 2^31");
    *ok = false;
    return -1;
  }
  return static_cast<long>(v);
}

}  // namespace starling
