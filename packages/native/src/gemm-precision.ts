/**
 * Precision of the native GEMMs (dense layers and convolutions), the `model.precision` option of
 * issue 18 item 3. `fp32` (default): float32 operands and accumulation. `bf16`: both operands are
 * rounded to bfloat16 (round to nearest even) and their exact products are accumulated in float32:
 * `vdpbf16ps` where the CPU has AVX-512 BF16 at the avx512 level (twice the FP32 FMA rate per
 * instruction), an emulation with the same semantics elsewhere. Parameters, activations and gradients
 * stay float32 in memory; only the GEMM inputs are rounded (Kalamkar et al. 2019, "A Study of BFLOAT16
 * for Deep Learning Training").
 */
export type GemmPrecision = 'fp32' | 'bf16';
