"""What a PyTorch bench process runs on, shared by the torch_*.py scripts of the bench suites."""

import os


def blas_library():
    """The BLAS shared libraries this process mapped, by file name.

    Debian's torch links the system libblas.so.3, which the alternatives system points at the reference
    BLAS unless libopenblas0-openmp (or another optimized BLAS) is installed; with OpenBLAS the list also
    names libopenblas*.so. Call it after `import torch`.
    """
    try:
        with open("/proc/self/maps", encoding="utf8") as maps:
            names = {line.split()[-1] for line in maps if "blas" in line.lower()}
        return ", ".join(sorted(_short(n) for n in names)) or "unknown"
    except OSError:
        return "unknown"


def _short(path):
    """A mapped library's file name; for libblas.so.*, its folder and file name."""
    name = os.path.basename(path)
    if name.startswith("libblas.so"):
        return os.path.join(os.path.basename(os.path.dirname(path)), name)
    return name
