"""Matrix products: ``nx.dot`` of two square f32 matrices, 512 and 2048 on a side.

``size`` counts the elements of one matrix (as for every benchmark), so the
side is its integer square root: the defaults are 512 * 512 and 2048 * 2048,
and ``--quick`` (1000 elements) multiplies 31 x 31 matrices. Inputs are
uniform in [0, 1), so that no result is near zero and the element-wise
relative error measures the rounding of the sums; the reference output is
numpy's product in float64.

Rows: numpy (OpenBLAS, the baseline), ``nx_codegen.C`` (our blocked GEMM,
jit, data already in C tensors) and the reference backend, which only runs
up to 128 x 128 (about 10 s a call at 512: pure Python).

>>> from benchmarks.common import run
>>> result = run(DOT_512, size=16 * 16, rounds=1)
>>> [(row.name, row.status) for row in result.rows]
[('numpy', 'ok'), ('nx_codegen.C (jit)', 'ok'), ('nx_ref reference', 'ok')]
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.common import Benchmark, Candidate, Unavailable, numpy_candidate

__all__ = ["BENCHMARKS", "DOT_512", "DOT_2048", "matmul", "side"]

#: The largest side the reference backend row runs at.
REFERENCE_MAX_SIDE = 128


def side(size):
    """The side of a square matrix of about ``size`` elements.

    >>> side(512 * 512), side(1000)
    (512, 31)
    """
    return max(1, math.isqrt(size))


def matmul(xp, a, b):
    """The product for an array namespace.

    >>> matmul(np, np.eye(2), np.ones((2, 2))).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    return xp.matmul(a, b)


def _inputs(size, seed):
    n = side(size)
    rng = np.random.default_rng(seed)
    return (rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32))


def _expected(a, b):
    return a.astype(np.float64) @ b.astype(np.float64)


def _c_candidate():
    def setup(inputs):
        import nx_codegen
        import nx_ref as nx
        f = nx.jit(lambda a, b: nx.dot(a, b), compiler=nx_codegen.C)
        backend = nx_codegen.CBackend()
        return f, [nx.from_numpy(a, backend=backend) for a in inputs]
    return Candidate("nx_codegen.C (jit)", setup=setup, run=lambda s: s[0](*s[1]),
                     result=lambda t: t.to_numpy(),
                     note="nx.jit(nx.dot, compiler=nx_codegen.C): packed panels, FMA register tiles, OpenMP")


def _reference_candidate():
    def setup(inputs):
        if inputs[0].shape[0] > REFERENCE_MAX_SIDE:
            raise Unavailable(f"the reference backend runs up to {REFERENCE_MAX_SIDE} on a side "
                              f"(pure Python: about 10 s a call at 512)")
        import nx_ref as nx
        return nx, [nx.from_numpy(a, backend=nx.ReferenceBackend()) for a in inputs]
    return Candidate("nx_ref reference", setup=setup, run=lambda s: s[0].dot(*s[1]),
                     result=lambda t: t.to_numpy(), note="exact sums (math.fsum), rounded once")


def _candidates():
    return [numpy_candidate("numpy", matmul, note="numpy.matmul (OpenBLAS sgemm)"),
            _c_candidate(), _reference_candidate()]


def _dot(n):
    # f32 sums of n products in [0, 1): a few n * eps relative at worst, far less in practice
    return Benchmark(
        name=f"dot_{n}", title=f"dot of two {n}x{n} f32 matrices (size: elements of one)",
        dtype="f32", baseline="numpy", rtol=1e-4, make_inputs=_inputs, expected=_expected,
        candidates=_candidates, default_size=n * n)


DOT_512 = _dot(512)
DOT_2048 = _dot(2048)

BENCHMARKS = (DOT_512, DOT_2048)
