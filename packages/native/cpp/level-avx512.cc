// The AVX-512 level: 16-float vectors, an 8×32 register tile (16 of the 32 zmm registers accumulate),
// k blocked to 192 so a 192×32 B sliver (24 KiB) stays in L1.
#include <cmath>
#include <thread>
#include <vector>

#include "conv.h"
#include "table.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define ST_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#define ST_NAME "avx512"
#define ST_W 16
#define ST_MR 8
#define ST_NV 2
#define ST_KC 192

namespace starling {
namespace avx512 {
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
}  // namespace avx512

const KernelTable* table_avx512() { return &avx512::kTable; }
const ConvTable* conv_table_avx512() { return &avx512::kConvTable; }
}  // namespace starling
#else
namespace starling {
const KernelTable* table_avx512() { return nullptr; }
const ConvTable* conv_table_avx512() { return nullptr; }
}  // namespace starling
#endif
