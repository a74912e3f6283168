"""``nx_codegen.CBackend``: an eager backend whose tensors hold numpy arrays and
whose ops run as C kernels (each op compiled once per signature by
:class:`~nx_codegen.c.compiler.C` and cached).

>>> import nx_ref as nx, nx_codegen
>>> t = nx.tensor([1.0, 2.0], backend=nx_codegen.CBackend)
>>> nx.exp(t).to_list()
[2.7182817459106445, 7.389056205749512]
"""

from __future__ import annotations

import threading

import numpy as np

from spec import values as _values
from nx_ref.backend import Backend, OpMethod, define_primitives
from nx_ref.tensor import Tensor

__all__ = ["CBackend"]


class _Compiled(OpMethod):
    """A primitive of the C backend: the single-node graph of the op, compiled."""

    def bind(self, backend, op):
        name = op.name

        def run(out, *args, **opts):
            return backend._run(name, out, args, opts)
        return run


class CBackend(Backend):
    """Tensors in numpy arrays, ops as C kernels (see the module docstring)."""

    priority = 10

    def __init__(self, threads=None):
        self.threads = threads

    def __repr__(self):
        return "CBackend()" if self.threads is None else f"CBackend(threads={self.threads})"

    # -- data ------------------------------------------------------------------------
    def wrap(self, spec, array):
        return Tensor.from_spec(spec, np.asarray(array).reshape(spec.shape), self)

    def from_binary(self, out, data):
        from nx_ref import interop
        from nx_ref.reference import ReferenceBackend
        return self.wrap(out, interop.to_numpy(ReferenceBackend().from_binary(out, data)))

    def constant(self, out, number):
        from nx_ref import interop
        value = _values.cast(number, _values_type(number), out.type)
        return self.wrap(out, np.full(out.shape, value, dtype=interop.numpy_dtype(out.type)))

    def host_array(self, tensor):
        """The tensor's data as a numpy array on the host."""
        return tensor.data

    def to_binary(self, tensor, limit=None):
        from nx_ref import interop
        from nx_ref.reference import ReferenceBackend
        ref = interop.from_numpy(self.host_array(tensor), backend=ReferenceBackend())
        return ref.backend.to_binary(ref, limit)

    def backend_copy(self, tensor, backend):
        return backend.from_binary(tensor.spec, self.to_binary(tensor))

    # -- ops -------------------------------------------------------------------------
    _lock = threading.Lock()
    _cache: dict = {}

    def op_compiler(self):
        """The defn compiler each op's single-node graph is compiled with."""
        from nx_codegen.c.compiler import C
        return C(self.threads)

    def _run(self, name, out, args, opts):
        from nx_ref.defn.expr import Graph, _freeze
        specs = tuple(tuple(x.spec for x in a) if isinstance(a, (list, tuple)) else a.spec for a in args)
        if isinstance(out, list):
            out = tuple(out)
        try:
            key = (repr(self), name, out, specs, _freeze(opts))
        except TypeError:
            key = None
        exe = self._cache.get(key) if key is not None else None
        if exe is None:
            g = Graph(label=f"nx.{name}")
            params = [tuple(g.parameter(s) for s in sp) if isinstance(sp, tuple) else g.parameter(sp)
                      for sp in specs]
            node = g.add(name, out, params, opts)
            if isinstance(out, tuple):
                outs = [g.add("elem", s, (node,), {"index": i}) for i, s in enumerate(out)]
            else:
                outs = [node]
            g.finish(outs, ("tuple", ()))
            exe = self.op_compiler().compile(g)
            if key is not None:
                with self._lock:
                    self._cache[key] = exe
        flat = [x for a in args for x in (a if isinstance(a, (list, tuple)) else [a])]
        result = exe(flat)
        return tuple(result) if isinstance(out, tuple) else result[0]


def _values_type(number):
    from spec import types
    return types.infer(number)


define_primitives(CBackend, _Compiled)
