// The arithmetic one SIMD level provides, as plain function pointers. Each level is compiled from the
// same templates (impl/*.inc) under its own target attribute; the addon instance picks one table.
#pragma once
#include <cstddef>
#include <vector>

namespace starling {

// Per-instance work memory (packed GEMM panels). Owned by the addon instance, never static.
struct Scratch {
  std::vector<float> buf;
  float* get(size_t floats) {
    if (buf.size() < floats) buf.resize(floats);
    return buf.data();
  }
};

struct GemmArgs {
  bool ta, tb;
  long m, n, k;
  float alpha, beta;
  const float* a;
  const float* b;
  float* c;
};

// Hyper-parameters of one optimizer update; see OptimizerStep in packages/core/src/kernels/kernels.ts.
// kind: 0 sgd, 1 momentum, 2 nesterov, 3 adagrad, 4 rmsprop, 5 adadelta, 6 adam, 7 adamw.
// h (complements and bias corrections are computed in float64 by the caller, then rounded once):
//   momentum/nesterov: [mu]; adagrad: [eps]; rmsprop/adadelta: [rho, 1 - rho, eps];
//   adam/adamw: [beta1, 1 - beta1, beta2, 1 - beta2, eps, 1/(1 - beta1^t), 1/(1 - beta2^t)].
constexpr int kOptHyper = 7;
struct OptArgs {
  int kind;
  float lr, wd;
  float h[kOptHyper];
  long n;
  float* params;
  const float* grad;
  float* s0;
  float* s1;
};

struct KernelTable {
  const char* name;
  void (*gemm)(const GemmArgs& g, Scratch& scratch, int threads);
  void (*axpy)(long n, float alpha, const float* x, float* y);
  void (*scale)(long n, float alpha, float* x);
  double (*dot)(long n, const float* x, const float* y);
  double (*sum_squares)(long n, const float* x);
  double (*sum_abs)(long n, const float* x);
  void (*bias_activation)(int act, long rows, long cols, float* z, const float* bias, float* a);
  void (*activation_backward)(int act, long n, const float* z, const float* a, const float* go, float* gi);
  void (*column_sums)(long rows, long cols, const float* x, float* out);
  double (*softmax_ce)(long rows, long cols, const float* logits, const int* labels, float scale, float* grad,
                       float* row_loss);
  void (*row_sum_squares)(long rows, long cols, const float* x, float* out);
  void (*scale_rows)(long rows, long cols, float* x, const float* scales);
  void (*weighted_sum)(long count, const double* weights, const float* const* vectors, long n, float* out);
  void (*optimizer_step)(const OptArgs& o);
  // Runs `iterations` rounds of independent FMA chains; returns the flops done and writes a checksum.
  double (*fma_peak)(long iterations, float* checksum);
  void (*sub)(long n, const float* a, const float* b, float* out);
  // acc[i] += w·x[i] in float64: weighted_sum's per-entry operation, one vector at a time.
  void (*accumulate)(long n, double w, const float* x, double* acc);
  // Plain SGD out of place: out ← p − lr·(g + l2·p) (optimizer_step kind 0's bits; impl/fused.inc).
  void (*sgd_into)(long n, float lr, float l2, const float* p, const float* g, float* out);
  // d ← (p − lr·(g + l2·p)) − base and the first non-finite index of d (−1: none); impl/fused.inc.
  long (*sgd_delta)(long n, float lr, float l2, const float* p, const float* g, const float* base, float* d);
  // sgd_delta then accumulate(w, d, acc) in one pass (same bits); impl/fused.inc.
  long (*sgd_delta_acc)(long n, float lr, float l2, const float* p, const float* g, const float* base, float* d,
                        double w, double* acc);
};

// nullptr where the level was not compiled in (e.g. AVX tables on ARM64).
const KernelTable* table_portable();
const KernelTable* table_avx2();
const KernelTable* table_avx512();

}  // namespace starling
