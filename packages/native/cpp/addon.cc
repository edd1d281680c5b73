// Addon setup: method table, SIMD level selection (CPU detection, STARLING_SIMD) and thread count.
#include "addon.h"

#include <cstdlib>

#include "args.h"

namespace starling {

struct Level {
  const char* name;
  const KernelTable* table;
  const CompressTable* compress;
  const RobustTable* robust;
  const ConvTable* conv;
  bool supported;
};

static void levels(Level out[3]) {
  bool avx2 = false, avx512 = false, f16c = false;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  f16c = __builtin_cpu_supports("f16c");
  avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#endif
  // The avx512 level reuses the AVX2 compression loops (they are memory- and shuffle-bound).
  out[0] = {"portable", table_portable(), compress_table_portable(), robust_table_portable(), conv_table_portable(), true};
  out[1] = {"avx2", table_avx2(), compress_table_avx2(f16c), robust_table_avx2(), conv_table_avx2(),
            avx2 && table_avx2() != nullptr};
  out[2] = {"avx512", table_avx512(), compress_table_avx2(f16c), robust_table_avx512(), conv_table_avx512(),
            avx512 && table_avx512() != nullptr};
}

using S = StarlingNative;

StarlingNative::StarlingNative(Napi::Env env, Napi::Object exports) {
  DefineAddon(exports, {
                           InstanceMethod("simd", &S::Simd),
                           InstanceMethod("simdLevels", &S::SimdLevels),
                           InstanceMethod("setSimd", &S::SetSimd),
                           InstanceMethod("threads", &S::Threads),
                           InstanceMethod("setThreads", &S::SetThreads),
                           InstanceMethod("gemm", &S::Gemm),
                           InstanceMethod("axpy", &S::Axpy),
                           InstanceMethod("scale", &S::Scale),
                           InstanceMethod("sub", &S::Sub),
                           InstanceMethod("dot", &S::Dot),
                           InstanceMethod("sumSquares", &S::SumSquares),
                           InstanceMethod("sumAbs", &S::SumAbs),
                           InstanceMethod("biasActivation", &S::BiasActivation),
                           InstanceMethod("activationBackward", &S::ActivationBackward),
                           InstanceMethod("columnSums", &S::ColumnSums),
                           InstanceMethod("softmaxCrossEntropy", &S::SoftmaxCrossEntropy),
                           InstanceMethod("rowSumSquares", &S::RowSumSquares),
                           InstanceMethod("scaleRows", &S::ScaleRows),
                           InstanceMethod("weightedSum", &S::WeightedSum),
                           InstanceMethod("accumulate", &S::Accumulate),
                           InstanceMethod("optimizerStep", &S::OptimizerStep),
                           InstanceMethod("fmaPeak", &S::FmaPeak),
                           InstanceMethod("firstNonFinite", &S::FirstNonFinite),
                           InstanceMethod("sumSquares8", &S::SumSquares8),
                           InstanceMethod("encodeF16", &S::EncodeF16),
                           InstanceMethod("decodeF16", &S::DecodeF16),
                           InstanceMethod("encodeBf16", &S::EncodeBf16),
                           InstanceMethod("decodeBf16", &S::DecodeBf16),
                           InstanceMethod("packSigns", &S::PackSigns),
                           InstanceMethod("unpackSigns", &S::UnpackSigns),
                           InstanceMethod("qsgdQuantizePack", &S::QsgdQuantizePack),
                           InstanceMethod("qsgdUnpack", &S::QsgdUnpack),
                           InstanceMethod("coordinateMedian", &S::CoordinateMedian),
                           InstanceMethod("trimmedMean", &S::TrimmedMean),
                           InstanceMethod("pairwiseSquaredDistances", &S::PairwiseSquaredDistances),
                           InstanceMethod("conv2dForward", &S::Conv2dForward),
                           InstanceMethod("conv2dBackward", &S::Conv2dBackward),
                           InstanceMethod("conv2dGradSqNorms", &S::Conv2dGradSqNorms),
                           InstanceMethod("maxPool2dForward", &S::MaxPool2dForward),
                           InstanceMethod("maxPool2dBackward", &S::MaxPool2dBackward),
                           InstanceMethod("avgPool2dForward", &S::AvgPool2dForward),
                           InstanceMethod("avgPool2dBackward", &S::AvgPool2dBackward),
                           InstanceMethod("groupNormForward", &S::GroupNormForward),
                           InstanceMethod("groupNormBackward", &S::GroupNormBackward),
                           InstanceMethod("sgdInto", &S::SgdInto),
                           InstanceMethod("sgdDelta", &S::SgdDelta),
                           InstanceMethod("sgdDeltaAcc", &S::SgdDeltaAcc),
                       });
  table_ = table_portable();
  compress_ = compress_table_portable();
  robust_ = robust_table_portable();
  conv_ = conv_table_portable();
  bf16_cpu_ = cpu_has_avx512_bf16();
  const char* env_level = std::getenv("STARLING_SIMD");
  Select(env, env_level ? env_level : "auto", "STARLING_SIMD");
}

// Picks a level by name ("auto" or "" = the best this CPU supports); throws if unknown or unsupported.
bool StarlingNative::Select(Napi::Env env, const std::string& want, const char* source) {
  Level all[3];
  levels(all);
  const bool best = want == "auto" || want.empty();
  std::string have;
  for (const Level& l : all) {
    if (!l.supported) continue;
    have += have.empty() ? l.name : std::string(", ") + l.name;
    if (best || want == l.name) {
      table_ = l.table;
      compress_ = l.compress;
      robust_ = l.robust;
      conv_ = l.conv;
    }
    if (want == l.name) return true;
  }
  if (best) return true;
  throw_range(env, std::string(source) + " must be auto or a level this CPU supports (" + have + "), got \"" +
                       want + "\"");
  return false;
}

Bf16Work S::Bf16() { return {&bf16_pack_, &scratch_, table_, bf16_cpu_ && table_ == table_avx512(), threads_}; }

Napi::Value S::Simd(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), table_->name); }

Napi::Value S::SimdLevels(const Napi::CallbackInfo& info) {
  Level all[3];
  levels(all);
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t n = 0;
  for (const Level& l : all)
    if (l.supported) out.Set(n++, Napi::String::New(info.Env(), l.name));
  return out;
}

Napi::Value S::SetSimd(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) {
    throw_type(info.Env(), "simd level must be a string");
    return info.Env().Undefined();
  }
  if (!Select(info.Env(), info[0].As<Napi::String>().Utf8Value(), "simd level")) return info.Env().Undefined();
  return Napi::String::New(info.Env(), table_->name);
}

Napi::Value S::Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), threads_); }

Napi::Value S::SetThreads(const Napi::CallbackInfo& info) {
  const double t = num_arg(info, 0);
  if (!(t == 1 || t == 2)) {
    throw_range(info.Env(), "threads must be 1 or 2");
    return info.Env().Undefined();
  }
  threads_ = static_cast<int>(t);
  return info.Env().Undefined();
}

}  // namespace starling

using starling::StarlingNative;
NODE_API_ADDON(StarlingNative)
