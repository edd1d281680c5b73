// The convolution loops (packages/core/src/kernels/conv-kernels.ts is the specification): 2-D
// convolution forward and backward through im2col and the level's packed GEMM, the per-example gradient
// norms of a convolution (mixed ghost clipping), max and average pooling, and group normalization.
// Each SIMD level compiles the same templates (impl/conv-*.inc, impl/pool.inc, impl/group-norm.inc) under
// its target attribute, so the convolutions use that level's GEMM micro-kernel. The caller (the N-API
// method) has checked the geometry and every length.
#pragma once
#include <cstdint>
#include <vector>

#include "gemm-bf16.h"
#include "table.h"

namespace starling {

// Conv2dGeometry of conv-kernels.ts: n images of c×h×w, k output channels (c for pooling), a kh×kw
// window moved by (sh, sw) over the input padded by (ph, pw) zeros, giving oh×ow outputs per channel.
struct ConvGeom {
  long n, c, h, w, k, kh, kw, sh, sw, ph, pw, oh, ow;
};

// Work memory of one addon instance: the GEMM's panels, the unfolded input, and a second buffer for
// the padded image, gathered output gradients and per-example products. `bf16` set: the forward and
// backward GEMMs round their operands to bfloat16 and accumulate in float32 (gemm-bf16.h).
// Integer work memory (the direct convolution's offset table).
struct Offsets {
  std::vector<long> buf;
  long* get(size_t n) {
    if (buf.size() < n) buf.resize(n);
    return buf.data();
  }
};

struct ConvWork {
  Scratch* gemm;
  Scratch* cols;
  Scratch* tmp;
  int threads;
  Bf16Work* bf16;
  Offsets* offsets;
  // Set: the 5×5 convolutions take the direct/GEMM path, not Winograd (for A/B in one process).
  bool direct;
};

struct ConvTable {
  const char* name;
  void (*conv_forward)(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, ConvWork& work);
  // dx may be nullptr (the input's gradient is not wanted).
  void (*conv_backward)(const ConvGeom& g, const float* x, const float* w, const float* dy, float* dw, float* db,
                        float* dx, ConvWork& work);
  void (*conv_grad_sq_norms)(const ConvGeom& g, const float* x, const float* dy, double* out, ConvWork& work);
  void (*max_pool_forward)(const ConvGeom& g, const float* x, float* y, int32_t* argmax);
  void (*max_pool_backward)(const ConvGeom& g, const float* dy, const int32_t* argmax, float* dx);
  void (*avg_pool_forward)(const ConvGeom& g, const float* x, float* y);
  void (*avg_pool_backward)(const ConvGeom& g, const float* dy, float* dx);
  void (*group_norm_forward)(long n, long c, long s, long groups, float eps, const float* x, const float* gamma,
                             const float* beta, float* y, float* mean, float* rstd);
  void (*group_norm_backward)(long n, long c, long s, long groups, const float* x, const float* gamma,
                              const float* mean, const float* rstd, const float* dy, float* dx, float* dgamma,
                              float* dbeta);
};

// nullptr where the level was not compiled in (AVX tables on ARM64).
const ConvTable* conv_table_portable();
const ConvTable* conv_table_avx2();
const ConvTable* conv_table_avx512();

}  // namespace starling
