// The portable level: 4-float vectors (SSE2 on x86-64, NEON on ARM64), no target attribute, so it
// compiles and runs on every machine Node runs on.
#include <cmath>
#include <thread>
#include <vector>

#include "conv.h"
#include "table.h"

#define ST_TARGET
#define ST_NAME "portable"
#define ST_W 4
#define ST_MR 6
#define ST_NV 2
#define ST_KC 256

namespace starling {
namespace portable {
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
}  // namespace portable

const KernelTable* table_portable() { return &portable::kTable; }
const ConvTable* conv_table_portable() { return &portable::kConvTable; }
}  // namespace starling
