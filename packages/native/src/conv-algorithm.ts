/**
 * Which algorithm the native 5×5 convolutions use. `auto` (default): Winograd minimal filtering
 * F(4×4, 5×5) (Lavin & Gray 2016; cpp/impl/conv-winograd.inc) for 5×5 windows with unit strides and at
 * least 8 input and 8 output channels, chosen from the shape alone (never from timing or the
 * environment), the direct/im2col path elsewhere. `direct`: never Winograd, the path every convolution
 * took before (for A/B comparisons in one process). Only FP32 convolutions are affected; with
 * `precision: 'bf16'` the GEMM path is used either way. Winograd's results differ from the direct
 * path's by a few float32 roundings of the output's scale (docs/native.md has the measured error).
 */
export type ConvAlgorithm = 'auto' | 'direct';
