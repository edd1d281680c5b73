// The N-API surface of @starling/native. One StarlingNative instance per Node environment (main thread
// and every worker thread) holds the chosen SIMD table, the thread count and the GEMM scratch: there is
// no static mutable state. Methods unpack arguments and call the table; arithmetic lives in impl/.
#pragma once
#include <napi.h>

#include <string>

#include "compress.h"
#include "conv.h"
#include "robust.h"
#include "table.h"

namespace starling {

class StarlingNative : public Napi::Addon<StarlingNative> {
 public:
  StarlingNative(Napi::Env env, Napi::Object exports);

 private:
  const KernelTable* table_ = nullptr;
  const CompressTable* compress_ = nullptr;
  const RobustTable* robust_ = nullptr;
  const ConvTable* conv_ = nullptr;
  int threads_ = 1;
  Scratch scratch_;
  Scratch conv_cols_;
  Scratch conv_tmp_;
  Offsets conv_offsets_;
  Scratch bf16_pack_;
  bool bf16_cpu_ = false;

  // The bf16 GEMM work of this instance (native vdpbf16ps only at the avx512 level).
  Bf16Work Bf16();

  bool Select(Napi::Env env, const std::string& want, const char* source);

  // addon.cc: level and thread control.
  Napi::Value Simd(const Napi::CallbackInfo& info);
  Napi::Value SimdLevels(const Napi::CallbackInfo& info);
  Napi::Value SetSimd(const Napi::CallbackInfo& info);
  Napi::Value Threads(const Napi::CallbackInfo& info);
  Napi::Value SetThreads(const Napi::CallbackInfo& info);

  // methods.cc: the kernels.
  Napi::Value Gemm(const Napi::CallbackInfo& info);
  Napi::Value Axpy(const Napi::CallbackInfo& info);
  Napi::Value Scale(const Napi::CallbackInfo& info);
  Napi::Value Sub(const Napi::CallbackInfo& info);
  Napi::Value Dot(const Napi::CallbackInfo& info);
  Napi::Value SumSquares(const Napi::CallbackInfo& info);
  Napi::Value SumAbs(const Napi::CallbackInfo& info);
  Napi::Value BiasActivation(const Napi::CallbackInfo& info);
  Napi::Value ActivationBackward(const Napi::CallbackInfo& info);
  Napi::Value ColumnSums(const Napi::CallbackInfo& info);
  Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info);
  Napi::Value RowSumSquares(const Napi::CallbackInfo& info);
  Napi::Value ScaleRows(const Napi::CallbackInfo& info);
  Napi::Value WeightedSum(const Napi::CallbackInfo& info);
  Napi::Value Accumulate(const Napi::CallbackInfo& info);
  Napi::Value OptimizerStep(const Napi::CallbackInfo& info);
  Napi::Value FmaPeak(const Napi::CallbackInfo& info);

  // compress-methods.cc: the compressors' loops.
  Napi::Value FirstNonFinite(const Napi::CallbackInfo& info);
  Napi::Value SumSquares8(const Napi::CallbackInfo& info);
  Napi::Value EncodeHalf(const Napi::CallbackInfo& info, bool bf16);
  Napi::Value DecodeHalf(const Napi::CallbackInfo& info, bool bf16);
  Napi::Value EncodeF16(const Napi::CallbackInfo& info);
  Napi::Value DecodeF16(const Napi::CallbackInfo& info);
  Napi::Value EncodeBf16(const Napi::CallbackInfo& info);
  Napi::Value DecodeBf16(const Napi::CallbackInfo& info);
  Napi::Value PackSigns(const Napi::CallbackInfo& info);
  Napi::Value UnpackSigns(const Napi::CallbackInfo& info);
  Napi::Value QsgdQuantizePack(const Napi::CallbackInfo& info);
  Napi::Value QsgdUnpack(const Napi::CallbackInfo& info);

  // robust-methods.cc: the robust aggregators' loops.
  Napi::Value CoordinateMedian(const Napi::CallbackInfo& info);
  Napi::Value TrimmedMean(const Napi::CallbackInfo& info);
  Napi::Value PairwiseSquaredDistances(const Napi::CallbackInfo& info);

  // conv-methods.cc, group-norm-methods.cc: the convolution table's loops.
  Napi::Value Conv2dForward(const Napi::CallbackInfo& info);
  Napi::Value Conv2dBackward(const Napi::CallbackInfo& info);
  Napi::Value Conv2dGradSqNorms(const Napi::CallbackInfo& info);
  Napi::Value MaxPool2dForward(const Napi::CallbackInfo& info);
  Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info);
  Napi::Value AvgPool2dForward(const Napi::CallbackInfo& info);
  Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info);
  Napi::Value GroupNormForward(const Napi::CallbackInfo& info);
  Napi::Value GroupNormBackward(const Napi::CallbackInfo& info);

  // methods.cc: fused passes of local training (impl/fused.inc).
  Napi::Value SgdInto(const Napi::CallbackInfo& info);
  Napi::Value SgdDelta(const Napi::CallbackInfo& info);
  Napi::Value SgdDeltaAcc(const Napi::CallbackInfo& info);
};

}  // namespace starling
