// The bench's check that PyTorch ran on an optimized BLAS (bench/lib/torch-blas.mjs,
// bench/torch_info.py): a PyTorch baseline on Debian's reference BLAS is about 3× slower on the CNN and
// would make every vs_torch ratio look better than it is.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blasNote, optimizedBlas } from '../../bench/lib/torch-blas.mjs';

const PYTHON = '/usr/bin/python3';
const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url));
const REFERENCE_BLAS_DIR = '/usr/lib/x86_64-linux-gnu/blas';

/** bench/torch_info.py's blas_library() in a Python that imported torch, with extra environment. */
function torchBlas(env: Record<string, string> = {}): string {
  const code = `import sys; sys.path.insert(0, ${JSON.stringify(BENCH)}); import torch; from torch_info import blas_library; print(blas_library())`;
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const torchMissing = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0;
if (torchMissing)
  console.log('note: /usr/bin/python3 cannot import torch (apt-get install python3-torch): the live BLAS checks skip');

describe('the bench notes a PyTorch baseline on the reference BLAS', () => {
  it('follows the libblas.so entry, not the other libraries mapped next to it', () => {
    expect(optimizedBlas('liblapack.so.3, libopenblasp-r0.3.21.so, openblas-openmp/libblas.so.3')).toBe(true);
    // OpenBLAS's LAPACK mapped next to the reference libblas: GEMM calls still reach the reference.
    expect(optimizedBlas('blas/libblas.so.3.11.0, liblapack.so.3, libopenblasp-r0.3.21.so')).toBe(false);
    expect(optimizedBlas('blas/libblas.so.3')).toBe(false);
    expect(optimizedBlas('libmkl_rt.so.2')).toBe(true);
    expect(optimizedBlas('unknown')).toBe(false);
    expect(blasNote('openblas-openmp/libblas.so.3')).toBeUndefined();
    expect(blasNote('blas/libblas.so.3.11.0')).toMatchObject({ name: 'note', backend: 'torch' });
    expect(blasNote('blas/libblas.so.3.11.0').note).toContain('libopenblas0-openmp');
  });

  it.skipIf(torchMissing || !existsSync(REFERENCE_BLAS_DIR))(
    'tells the reference BLAS from the installed one in a real torch process',
    () => {
      // The loader takes libblas.so.3 from LD_LIBRARY_PATH first: this torch runs on the reference BLAS.
      const reference = torchBlas({ LD_LIBRARY_PATH: REFERENCE_BLAS_DIR });
      expect(reference).toMatch(/(^|, )blas\/libblas\.so/);
      expect(optimizedBlas(reference)).toBe(false);
      const installed = torchBlas();
      expect(installed).toMatch(/libblas\.so/);
      // Whatever the machine has installed, the verdict must follow libblas's folder.
      expect(optimizedBlas(installed)).toBe(
        /openblas|mkl|blis|atlas/i.test(installed.match(/[^ ,]*libblas\.so[^ ,]*/)?.[0] ?? ''),
      );
    },
  );
});
