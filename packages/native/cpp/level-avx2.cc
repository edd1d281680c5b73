// The AVX2 + FMA level: 8-float vectors, a 6×16 register tile. Compiled with a target attribute on
// every function instead of -mavx2, so the rest of the addon stays baseline x86-64.
#include <cmath>
#include <thread>
#include <vector>

#include "conv.h"
#include "table.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ST_TARGET __attribute__((target("avx2,fma")))
#define ST_NAME "avx2"
#define ST_W 8
#define ST_MR 6
#define ST_NV 2
#define ST_KC 256

namespace starling {
namespace avx2 {
#include "impl/vec.inc"
#include "impl/vmath.inc"
#include "impl/gemm.inc"
#include "impl/elementwise.inc"
#include "impl/reductions.inc"
#include "impl/optimizer.inc"
#include "impl/fused.inc"
#include "impl/peak.inc"
#include "impl/table.inc"
#include "impl/im2col.inc"
#include "impl/conv-direct.inc"
#include "impl/conv-direct-grad.inc"
#include "impl/conv-direct-dx.inc"
#include "impl/conv-winograd-matrices.inc"
#include "impl/conv-winograd-transforms.inc"
#include "impl/conv-winograd-gemm.inc"
#include "impl/conv-winograd.inc"
#include "impl/conv.inc"
#include "impl/conv-norms.inc"
#include "impl/pool.inc"
#include "impl/group-norm.inc"
#include "impl/conv-table.inc"
}  // namespace avx2

const KernelTable* table_avx2() { return &avx2::kTable; }
const ConvTable* conv_table_avx2() { return &avx2::kConvTable; }
}  // namespace starling
#else
namespace starling {
const KernelTable* table_avx2() { return nullptr; }
const ConvTable* conv_table_avx2() { return nullptr; }
}  // namespace starling
#endif
