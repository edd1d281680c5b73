export type { NativeBinding, SimdLevel } from './binding.js';
export type { KernelsMode, LoadedKernels, LoadKernelsOptions } from './load-kernels.js';
export { INSTALL_LOG, KERNELS_MODES, kernelsModeFromEnv, loadKernels } from './load-kernels.js';
export { loadBinding } from './loader.js';
export { nativeCompressKernels } from './native-compress-kernels.js';
export { nativeConvKernels } from './native-conv-kernels.js';
export { nativeKernels } from './native-kernels.js';
export { nativeRobustKernels } from './native-robust-kernels.js';
