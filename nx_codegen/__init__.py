"""nx_codegen: the Expr graph lowered into fused loop kernels, rendered as C
(built with cffi) or as OpenCL C (run through pyopencl).

``nx.jit(f, compiler=nx_codegen.C)`` compiles a defn into C kernels;
``nx.default_backend(nx_codegen.CBackend())`` runs eager ops the same way.

>>> import nx_ref as nx, nx_codegen
>>> nx.jit(lambda x: x * 2 + 1, compiler=nx_codegen.C)(nx.tensor([1, 2])).to_list()
[3, 5]
"""

import os as _os

# OpenMP workers sleep instead of spinning when they wait: on a machine shared
# with other busy processes, spinning threads make a parallel kernel many times
# slower than one thread (libgomp reads this when it is first loaded)
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from nx_codegen.c.backend import CBackend  # noqa: E402
from nx_codegen.c.compiler import C  # noqa: E402
from nx_codegen.opencl.backend import OpenCLBackend  # noqa: E402
from nx_codegen.opencl.compiler import OpenCL  # noqa: E402

__all__ = ["C", "CBackend", "OpenCL", "OpenCLBackend"]
