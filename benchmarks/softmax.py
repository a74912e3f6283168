"""The seed benchmark: softmax of a vector, ``exp(x) / sum(exp(x))``.

The first nx row computes exactly the seed expression,
``nx.exp(t) / nx.sum(nx.exp(t))``, eagerly, so ``exp`` runs twice, as written; the
second computes ``exp`` once, like the plain loop, numpy and JAX (whose ``jit``
shares the common subexpression) do. Inputs are standard-normal values of the benchmark's
type; the reference output is numpy's, computed in float64 from the same inputs.

>>> from benchmarks.common import run
>>> result = run(SOFTMAX_F32, size=100, rounds=1)
>>> result.row("python loop").ratio, result.row("nx_ref reference").status
(1.0, 'ok')
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks.common import (Benchmark, jax_candidate, numpy_candidate, nx_candidate,
                               python_candidate)

__all__ = ["SOFTMAX_F32", "SOFTMAX_F64", "BENCHMARKS", "plain_softmax",
           "plain_softmax_as_written", "nx_softmax",
           "nx_softmax_exp_once", "xp_softmax"]


def plain_softmax(xs):
    """Softmax as a hand-written Python loop over a list of floats.

    >>> plain_softmax([0.0, 0.0])
    [0.5, 0.5]
    """
    e = [math.exp(x) for x in xs]
    s = sum(e)
    return [v / s for v in e]


def plain_softmax_as_written(xs):
    """The seed expression written literally as Python loops: ``exp`` runs twice,
    once for the numerator and once inside the sum, as in ``nx.exp(t) / nx.sum(nx.exp(t))``.

    >>> plain_softmax_as_written([0.0, 0.0])
    [0.5, 0.5]
    """
    numerator = [math.exp(x) for x in xs]
    s = sum([math.exp(x) for x in xs])
    return [v / s for v in numerator]


def nx_softmax(nx, t):
    """The seed expression on nx tensors.

    >>> nx_softmax(nx, nx.tensor([0.0, 0.0])).to_list()
    [0.5, 0.5]
    """
    return nx.exp(t) / nx.sum(nx.exp(t))


def nx_softmax_exp_once(nx, t):
    """The same math as the loop and numpy rows: ``exp`` computed once, as a
    defn compiler that shares common subexpressions would run the seed expression.

    >>> nx_softmax_exp_once(nx, nx.tensor([0.0, 0.0])).to_list()
    [0.5, 0.5]
    """
    e = nx.exp(t)
    return e / nx.sum(e)


def xp_softmax(xp, x):
    """Softmax for an array namespace (numpy, jax.numpy).

    >>> xp_softmax(np, np.zeros(2)).tolist()
    [0.5, 0.5]
    """
    e = xp.exp(x)
    return e / xp.sum(e)


def _inputs(dtype):
    def make(size, seed):
        return (np.random.default_rng(seed).standard_normal(size, dtype=dtype),)
    return make


def _expected(x):
    return xp_softmax(np, x.astype(np.float64))


def _reference_backend():
    import nx_ref as nx
    return nx.ReferenceBackend()


_JITTED = {}


def _jitted_softmax(nx, t):
    """The seed expression through ``nx.jit`` (traced once, then cached).

    >>> _jitted_softmax(nx, nx.tensor([0.0, 0.0])).to_list()
    [0.5, 0.5]
    """
    if "f" not in _JITTED:
        _JITTED["f"] = nx.jit(lambda x: nx_softmax(nx, x))
    return _JITTED["f"](t)


def _c_candidate():
    from benchmarks.common import Candidate

    def setup(inputs):
        import nx_ref as nx
        import nx_codegen
        f = nx.jit(lambda x: nx_softmax(nx, x), compiler=nx_codegen.C)
        t = nx.from_numpy(inputs[0], backend=nx_codegen.CBackend())
        return f, t
    return Candidate("nx_codegen.C (jit)", setup=setup, run=lambda s: s[0](s[1]),
                     result=lambda t: t.to_numpy(),
                     note="nx.jit(seed expression, compiler=nx_codegen.C): two fused C loops")


def _opencl_candidates():
    """One row per OpenCL device (PoCL here; a GPU where there is one): the
    seed expression jitted for the device, data on the device, each call
    waited for (``finish`` on the device's queue); the kernels' device time
    comes from OpenCL profiling events."""
    from benchmarks.common import Candidate, Unavailable
    try:
        from nx_codegen.opencl.compiler import devices
        names = [name for name, _ in devices()]
    except Exception as e:      # noqa: BLE001 - no pyopencl or no OpenCL platform
        names, error = ["pocl:0"], e
    else:
        error = None

    def candidate(name):
        def setup(inputs):
            if error is not None:
                raise Unavailable(f"no OpenCL device ({error})")
            import nx_ref as nx
            import nx_codegen
            from nx_codegen.opencl.compiler import _context
            backend = nx_codegen.OpenCLBackend(device=name)
            compiler = nx_codegen.OpenCL(device=name, profile=True)
            f = nx.jit(lambda x: nx_softmax(nx, x), compiler=compiler)
            queue = _context(backend.device)[1]
            return f, nx.from_numpy(inputs[0], backend=backend), queue, compiler

        def run(state):
            out = state[0](state[1])
            state[2].finish()
            return out
        return Candidate(f"nx_codegen.OpenCL ({name})", setup=setup, run=run,
                         result=lambda t: t.to_numpy(), kernel_time=lambda s: s[3].kernel_seconds(),
                         note=f"nx.jit(seed expression, compiler=nx_codegen.OpenCL(device={name!r})), "
                              "data on the device")
    from benchmarks import opencl_peer
    rows = []
    for n in names:
        rows += [candidate(n), *opencl_peer.candidates([n], error)]
    return rows


def _candidates():
    return [
        python_candidate("python loop", plain_softmax,
                         note="math.exp over a list of floats, sum(), divide (in float64)"),
        python_candidate("python loop, as written", plain_softmax_as_written,
                         note="the seed expression literally: exp runs twice"),
        nx_candidate("nx_ref reference", nx_softmax, _reference_backend,
                     note="the seed expression, eagerly: nx.exp(t) / nx.sum(nx.exp(t))"),
        nx_candidate("nx_ref reference, exp once", nx_softmax_exp_once, _reference_backend,
                     note="e = nx.exp(t); e / nx.sum(e)"),
        nx_candidate("nx_ref defn, reference", _jitted_softmax, _reference_backend,
                     note="nx.jit of the seed expression: the graph shares exp, the Evaluator runs it"),
        _c_candidate(),
        *_opencl_candidates(),
        numpy_candidate("numpy", xp_softmax),
        jax_candidate("jax.jit (gpu)", xp_softmax, platform="gpu"),
        jax_candidate("jax.jit (cpu)", xp_softmax),
    ]


_NUMPY_TYPES = {"f32": np.float32, "f64": np.float64}


def _softmax(name, dtype, rtol):
    return Benchmark(
        name=name, title="softmax, exp(x) / sum(exp(x)), over one vector", dtype=dtype,
        baseline="python loop", rtol=rtol, make_inputs=_inputs(_NUMPY_TYPES[dtype]),
        expected=_expected, candidates=_candidates)


# Tolerances: a few ULPs of the type for exp and the division, plus the rounding of
# a sum of a million terms (the plain loop sums left to right).
SOFTMAX_F32 = _softmax("softmax", "f32", rtol=2e-6)
SOFTMAX_F64 = _softmax("softmax_f64", "f64", rtol=1e-10)

BENCHMARKS = (SOFTMAX_F32, SOFTMAX_F64)
