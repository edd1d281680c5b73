// Whether a PyTorch baseline ran on an optimized BLAS. Debian's python3-torch links the system
// libblas.so.3; without libopenblas0-openmp the alternatives system points that at the reference BLAS,
// which makes PyTorch's dense layers several times slower (measured here: the CNN step at batch 10
// 308 samples/s on the reference BLAS against 920 with OpenBLAS; the MLP step about 5k samples/s at any
// batch size). A speed-up against such a baseline means nothing, so the suites print a note.

const OPTIMIZED = /openblas|mkl|blis|atlas/i;

/**
 * True when the `blas` list reported by bench/torch_info.py says PyTorch's GEMM calls reach an optimized
 * BLAS: its `libblas.so` entry (folder/file) names one, or, when no libblas.so is mapped, another entry
 * does. OpenBLAS's LAPACK can be mapped next to the reference libblas, so the other names alone prove
 * nothing when a libblas.so is there.
 */
export function optimizedBlas(blas) {
  const names = (blas ?? '').split(',').map((s) => s.trim());
  const libblas = names.filter((n) => /(^|\/)libblas\.so/.test(n));
  return libblas.length > 0 ? libblas.every((n) => OPTIMIZED.test(n)) : names.some((n) => OPTIMIZED.test(n));
}

/**
 * A `note` record for the bench table when PyTorch ran on the reference BLAS (or on one this cannot
 * tell), else undefined. `blas` is bench/torch_info.py's `blas_library()`.
 */
export function blasNote(blas) {
  if (optimizedBlas(blas)) return undefined;
  return {
    name: 'note',
    backend: 'torch',
    note:
      `PyTorch mapped ${blas || 'no BLAS it could name'}, not an optimized BLAS: its dense layers run on the ` +
      'reference BLAS and every vs_torch ratio here is inflated (Debian: apt-get install libopenblas0-openmp)',
  };
}
