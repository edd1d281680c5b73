import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './loader.js';

/**
 * The shared-memory addon (cpp/shm.cc, Linux): memfds mapped as external ArrayBuffers, for the
 * `processes` runtime's cross-process reduction. Structurally the `ShmBinding` of @starling/transport.
 */
export interface ShmAddon {
  create(name: string, bytes: number): number;
  size(fd: number): number;
  resize(fd: number, bytes: number): void;
  map(fd: number, bytes: number): ArrayBuffer;
  close(fd: number): void;
  /** Sequentially consistent compare-and-swap / fetch-add on Int32 word `index` of a mapping (old value). */
  cas(buffer: ArrayBuffer, index: number, expected: number, replacement: number): number;
  add(buffer: ArrayBuffer, index: number, value: number): number;
}

let cached: { addon: ShmAddon | null; reason: string } | undefined;

/**
 * This thread's shared-memory addon, or null with the reason (not built, not Linux): callers then take
 * the exact path over sockets. Loaded once per thread.
 */
export function loadShm(): { addon: ShmAddon | null; reason: string } {
  if (cached) return cached;
  try {
    if (process.platform !== 'linux') throw new Error(`memfd needs Linux, this is ${process.platform}`);
    const require = createRequire(import.meta.url);
    cached = { addon: require(join(PACKAGE_ROOT, 'build', 'Release', 'starling_shm.node')) as ShmAddon, reason: '' };
  } catch (err) {
    cached = { addon: null, reason: String(err) };
  }
  return cached;
}
