"""``nx_codegen.C``: the defn compiler that runs graphs as fused C kernels.

``compile(graph)`` lowers the graph (:mod:`nx_codegen.lower`), renders every
kernel into one C source (:mod:`nx_codegen.c.render`), builds it once through
the disk cache (:mod:`nx_codegen.c.build`) and returns a function running the
steps over numpy arrays: kernels get the arrays' buffers without copies; the
nodes without a kernel yet (the *host fallback*: listed by
:func:`coverage`) run on the reference backend, and ``cond`` / ``while``
nodes run their sub-graphs, each compiled the same way, from the host.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x: nx.exp(x) / nx.sum(nx.exp(x)), compiler=nx_codegen.C)
>>> f(nx.tensor([1.0, 2.0, 3.0])).to_list()
[0.09003057330846786, 0.2447284758090973, 0.6652409434318542]
"""

from __future__ import annotations

import math
import os
import sys
import threading

import numpy as np

from nx_ref.defn.compiler import Compiler
from nx_ref.tensor import Tensor
from spec.errors import ArgumentError
from nx_codegen import ir
from nx_codegen.c import packing, render
from nx_codegen.lower import lower

__all__ = ["C", "CTarget", "coverage"]

_ALIASES = ("identity", "stop_grad", "custom_grad")


class CTarget:
    """What the C renderer computes in kernels (see :func:`render.supports`) and
    which nodes have dedicated kernels (:mod:`nx_codegen.c.externs`)."""

    def supports(self, node):
        return render.supports(node)

    def extern(self, node):
        from nx_codegen.c import externs
        return externs.supports(node)


def _dtype(type_name):
    from nx_ref import interop
    return interop.numpy_dtype(type_name)


def _array(t):
    """The numpy array of a tensor (its own data for C tensors, no copy)."""
    data = t.data
    if isinstance(data, np.ndarray):
        return data
    from nx_ref import interop
    return interop.to_numpy(t)


class C(Compiler):
    """Compile graphs into C kernels (see the module docstring). ``threads``
    bounds the OpenMP threads of a kernel (default: the machine's cores)."""

    def __init__(self, threads=None):
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise ValueError(f"nx_codegen.C: threads must be a positive integer, got {threads!r}")
        self.threads = threads

    def thread_count(self) -> int:
        """The threads of a large kernel: ``threads``, else ``NX_CODEGEN_THREADS``,
        else the CPUs this process may run on."""
        if self.threads is not None:
            return self.threads
        env = os.environ.get("NX_CODEGEN_THREADS")
        if env:
            return max(1, int(env))
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    def compile(self, graph):
        return _Executable(graph, self).run

    def __repr__(self):
        return "nx_codegen.C()" if self.threads is None else f"nx_codegen.C(threads={self.threads})"


RECYCLED = 3      # output arrays kept per output for reuse (see _Executable.allocate)


class _Executable:
    """A lowered graph ready to run: kernels built, host steps prepared. The
    arrays of the run live in a dictionary ``env`` keyed by buffer name;
    subclasses for other targets override :meth:`target`, :meth:`build`
    (kernel name -> callable) and :meth:`launch`."""

    def __init__(self, graph, compiler):
        from nx_codegen.c.backend import CBackend
        self.graph = graph
        self.compiler = compiler
        self.program = lower(graph, self.target())
        self.backend = CBackend()
        self.subs = {}
        kernels = self.program.kernels() + self.program.externs()
        functions = self.build(kernels) if kernels else {}
        self.calls = []
        self.checks = {}
        types_of = self.program.buffers
        for step in self.program.steps:
            if isinstance(step, ir.Kernel):
                self.calls.append(("kernel", step, render.kernel_buffers(step),
                                   functions[step.name]))
            elif isinstance(step, ir.Extern):
                names = [x for a in step.inputs for x in (a if isinstance(a, tuple) else (a,))]
                checks = self.extern_checks()
                if step.node.op in checks:       # validates the data on the host first
                    self.checks[step.name] = (checks[step.node.op], names)
                self.calls.append(("kernel", step, names + list(step.outputs),
                                   functions[step.name]))
            else:
                self.calls.append(("host", step, None, None))
        self.types_of = types_of
        # buffers of the 2/4-bit types: packed in env, one per byte in tensors
        self.packed = {n: b.type for n, b in types_of.items() if b.type in packing.BITS}
        self.results = set(self.program.outputs)
        self.pool = threading.local()     # intermediates, allocated once per thread and reused

    def check_args(self, args, where):
        """Refuse arguments that differ in number, shape or type from the
        program's parameters (a kernel never runs on a wrong-sized buffer)."""
        params = self.program.params
        if len(args) != len(params):
            raise ArgumentError(f"{self.compiler!r}: the program takes {len(params)} arguments, "
                                f"got {len(args)}")
        for i, (name, t) in enumerate(zip(params, args)):
            b = self.types_of[name]
            if t.shape != b.shape or str(t.type) != b.type:
                raise ArgumentError(f"{self.compiler!r}: argument {i} is {t.type}{list(t.shape)}, "
                                    f"but the program{where} was compiled for {b.type}{list(b.shape)}")

    def run(self, args, hooks=None):
        self.check_args(args, "")
        env = {}
        for name, t in zip(self.program.params, args):
            env[name] = self.store(name, _array(t))
        for name, t in self.program.constants.items():
            env[name] = self.store(name, _array(t))
        for kind, step, names, fn in self.calls:
            if kind == "kernel":
                if step.name in self.checks:
                    check, inputs = self.checks[step.name]
                    check(step.node, [self.load(env, n) for n in inputs])
                for n in (step.writes() if isinstance(step, ir.Kernel) else step.outputs):
                    if n not in env:
                        env[n] = self.allocate(n)
                self.launch(step, fn, [env[n] for n in names])
            else:
                self.host(step, env, hooks or {})
        return [self.backend.wrap(self.graph.outputs[i].out, self.load(env, name))
                for i, name in enumerate(self.program.outputs)]

    def target(self):
        return CTarget()

    def extern_checks(self):
        """op -> the check of its dedicated kernel's inputs (see :func:`externs.register`)."""
        from nx_codegen.c.externs import CHECKS
        return CHECKS

    def build(self, kernels):
        """The callable of each kernel and dedicated kernel, by name."""
        from nx_codegen.c import build
        source = render.render_program(self.program, self.compiler.thread_count())
        cdef = "\n".join(f"void {k.name}(void *const *b);" for k in kernels)
        self.lib = build.load(source, cdef, flags=["-lmvec"] if render.HAS_MVEC else None)
        return {k.name: getattr(self.lib.lib, k.name) for k in kernels}

    def launch(self, step, fn, arrays):
        """Run one kernel on its buffers' arrays (in :func:`render.kernel_buffers` order)."""
        ffi = self.lib.ffi
        fn(ffi.new("void *[]", [ffi.cast("void *", ffi.from_buffer(
            a.reshape(-1).view(np.uint8), require_writable=False)) for a in arrays]))

    def store(self, name, array):
        """``array`` as buffer ``name`` holds it (packed for the 2/4-bit types)."""
        if name in self.packed:
            return packing.pack(array, self.packed[name])
        return np.ascontiguousarray(array)

    def load(self, env, name):
        """Buffer ``name`` as an array of its type and shape."""
        if name in self.packed:
            return packing.unpack(env[name], self.packed[name], self.types_of[name].shape)
        return env[name]

    def allocate(self, name):
        """The array of buffer ``name``: intermediates are allocated once (per
        thread) and reused by every call; an output reuses one of the arrays of
        the last :data:`RECYCLED` calls' outputs that nothing refers to any more
        (their tensors were dropped: ``y = f(y)`` alternates between two), which
        spares the page faults of a fresh large array."""
        b = self.types_of[name]
        if name in self.packed:
            return np.empty(packing.packed_size(b.type, math.prod(b.shape)), np.uint8)
        arrays = getattr(self.pool, "arrays", None)
        if arrays is None:
            arrays = self.pool.arrays = {}
        if name in self.results:
            ring = arrays.setdefault(name, [])
            for array in ring:
                # unreferenced elsewhere: the ring's, `array` and getrefcount's argument
                if sys.getrefcount(array) <= 3:
                    return array
            array = np.empty(b.shape, _dtype(b.type))
            ring.append(array)
            if len(ring) > RECYCLED:
                ring.pop(0)
            return array
        if name not in arrays:
            arrays[name] = np.empty(b.shape, _dtype(b.type))
        return arrays[name]

    def host(self, step, env, hooks):
        node = step.node
        values = [tuple(self.tensor(self.load(env, x), n) for x, n in zip(a, node.args[i]))
                  if isinstance(a, tuple) else self.tensor(self.load(env, a), node.args[i])
                  for i, a in enumerate(step.inputs)]
        result = _run_node(node, values, hooks, self)
        outs = result if isinstance(node.out, tuple) else (result,)
        for name, t in zip(step.outputs, outs):
            env[name] = self.keep(name, t)

    def keep(self, name, t):
        """What ``env`` holds for buffer ``name`` computed on the host as tensor ``t``."""
        return self.store(name, _array(t))

    def tensor(self, array, node):
        return self.backend.wrap(node.out, array)

    def sub(self, graph):
        if id(graph) not in self.subs:
            self.subs[id(graph)] = type(self)(graph, self.compiler)
        return self.subs[id(graph)]


def _run_node(node, values, hooks, exe):
    """One graph node on the host, with tensors of the C backend in and out."""
    from nx_ref.reference import ReferenceBackend
    op = node.op
    if op == "constant":
        return exe.backend.constant(node.out, node.opts["value"])
    if op == "elem":
        return values[0][node.opts["index"]]
    if op in _ALIASES:
        return values[0]
    if op == "cond":
        k = node.opts["num_preds"]
        branches = node.opts["branches"]
        chosen = next((i for i in range(k) if _truth(values[i])), len(branches) - 1)
        start = k + sum(len(g.captures) for g in branches[:chosen])
        g = branches[chosen]
        return tuple(exe.sub(g).run(values[start:start + len(g.captures)], hooks))
    if op == "while":
        cond, body = node.opts["condition"], node.opts["body"]
        n = cond.num_inputs
        state = list(values[:n])
        cc, bc = values[n:n + len(cond.captures)], values[n + len(cond.captures):]
        c, b = exe.sub(cond), exe.sub(body)
        while _truth(c.run(state + list(cc), hooks)[0]):
            state = b.run(state + list(bc), hooks)
        return tuple(state)
    if op in ("io_call", "runtime_call"):
        from nx_ref.defn.evaluator import _Plan
        return _Plan.step(_Plan.__new__(_Plan), node, {x.id: v for x, v in zip(node.args, values)},
                          [], exe.backend, hooks)
    ref = ReferenceBackend()
    moved = [[_to_ref(x, ref) for x in v] if isinstance(v, tuple) else _to_ref(v, ref) for v in values]
    result = getattr(ref, op)(node.out, *moved, **node.opts)
    if isinstance(result, tuple):
        return tuple(exe.backend.wrap(r.spec, _array(r)) for r in result)
    return exe.backend.wrap(result.spec, _array(result))


def _to_ref(t, ref):
    from nx_ref import interop
    moved = interop.from_numpy(_array(t), backend=ref)
    return Tensor.from_spec(t.spec, moved.data, ref)


def _truth(t):
    return bool(_array(t).reshape(-1)[0] != 0)


def coverage(graph):
    """``(kernel node count, host node ops)`` of a graph: which nodes the C
    backend runs as kernels and which fall back to the host.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> coverage(trace(lambda x: nx.fft(nx.exp(x)), [nx.template((4,), "f32")]))
    (1, ['fft'])
    """
    program = lower(graph, CTarget())
    hosts = [s.node.op for s in program.steps if isinstance(s, ir.HostStep)]
    return len(program.kernels()), hosts
