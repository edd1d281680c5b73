/**
 * The native calls behind memory shared between processes (`@starling/native`'s `loadShm`): a memfd, its
 * size, and a mapping of it as an ArrayBuffer (external, not a SharedArrayBuffer; V8's `Atomics` on it are
 * real atomic instructions, checked by a two-process stress test in test/e2e/processes-shm.test.ts).
 */
export interface ShmBinding {
  /** A new memfd of `bytes` zero bytes (close-on-exec: children get it only through spawn's stdio). */
  create(name: string, bytes: number): number;
  size(fd: number): number;
  resize(fd: number, bytes: number): void;
  /** The first `bytes` bytes of the memfd, mapped shared; unmapped when the ArrayBuffer is collected. */
  map(fd: number, bytes: number): ArrayBuffer;
  close(fd: number): void;
}

/**
 * One process's (or thread's) mapping of a memfd, mapped again when the memfd has grown past it. Views
 * made from an older mapping stay valid (the memfd never shrinks while the run lasts).
 */
export class ShmMapping {
  private buffer: ArrayBuffer | null = null;

  constructor(
    private readonly shm: ShmBinding,
    readonly fd: number,
  ) {}

  /** A mapping of at least `bytes` bytes. */
  at(bytes: number): ArrayBuffer {
    if (!this.buffer || this.buffer.byteLength < bytes) this.buffer = this.shm.map(this.fd, bytes);
    return this.buffer;
  }
}
