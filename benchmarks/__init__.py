"""Side-by-side benchmarks: nx-ref's backends next to their peers, in one run.

``python -m benchmarks NAME`` runs one benchmark (``all`` runs every one), prints
a table per benchmark and writes the results as JSON under ``benchmarks/results/``
(see :mod:`benchmarks.common` for the runner, and ``--help`` for the options).
A new benchmark is a module declaring :class:`~benchmarks.common.Benchmark` s,
listed in ``_MODULES`` below; a new backend is one more candidate row.

>>> sorted(BENCHMARKS)
['dot_2048', 'dot_512', 'mlp', 'mlp_784', 'softmax', 'softmax_f64']
>>> [b.name for b in select("all")]
['softmax', 'softmax_f64', 'mlp', 'mlp_784', 'dot_512', 'dot_2048']
"""

from __future__ import annotations

from benchmarks import dot, mlp, softmax

__all__ = ["BENCHMARKS", "select"]

_MODULES = (softmax, mlp, dot)

BENCHMARKS = {b.name: b for module in _MODULES for b in module.BENCHMARKS}


def select(name):
    """The benchmarks a command-line name stands for (``all``: every one).

    >>> [b.dtype for b in select("softmax")]
    ['f32']
    """
    if name == "all":
        return list(BENCHMARKS.values())
    if name not in BENCHMARKS:
        raise KeyError(f"unknown benchmark {name!r}; choose one of: all, {', '.join(BENCHMARKS)}")
    return [BENCHMARKS[name]]
