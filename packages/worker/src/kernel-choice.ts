import { type KernelsMode, kernelsModeFromEnv, type LoadedKernels, loadKernels as loadFresh } from '@starling/native';

const cache = new Map<KernelsMode, LoadedKernels>();

/**
 * The kernel backend for this thread (see `loadKernels` in @starling/native), loaded and self-checked
 * once per mode per thread: pool threads call this for every task.
 */
export function loadKernels(mode: KernelsMode): LoadedKernels {
  let loaded = cache.get(mode);
  if (!loaded) cache.set(mode, (loaded = loadFresh(mode)));
  return loaded;
}

export { kernelsModeFromEnv };
