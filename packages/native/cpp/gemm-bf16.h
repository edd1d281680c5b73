// The bf16 GEMM of the mixed-precision option (issue 18 item 3): C ← alpha·op(A)·op(B) + beta·C where A and
// B are first rounded to bfloat16 (round to nearest even, NaN kept) and products are accumulated in
// float32. With AVX-512 BF16 (vdpbf16ps: 16 lanes × 2 products per instruction, twice the FP32 FMA rate)
// the operands are packed as k-pairs and multiplied natively; elsewhere the operands are rounded into
// float32 copies and the level's FP32 GEMM runs on them (exact bf16 products, the same semantics).
#pragma once
#include "table.h"

namespace starling {

struct Bf16Work {
  Scratch* pack;   // packed or rounded operands
  Scratch* gemm;   // the FP32 GEMM's scratch (emulation)
  const KernelTable* table;
  bool native;     // the CPU has AVX-512 BF16 and the avx512 level is selected
  int threads;
};

void gemm_bf16(const GemmArgs& g, Bf16Work& work);

// Whether this CPU has AVX-512 BF16 (with AVX-512 F/BW/VL).
bool cpu_has_avx512_bf16();

}  // namespace starling
