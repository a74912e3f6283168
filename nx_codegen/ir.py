"""The kernel IR: what :mod:`nx_codegen.lower` produces and the renderers
(:mod:`nx_codegen.c.render`, later OpenCL) consume.

A :class:`Program` runs a list of steps over named buffers (row-major, dense,
in the spec's binary layout):

- a :class:`Kernel` is one fused loop nest: an ``outer`` index space (the
  shape of what it stores), optionally an ``inner`` space that is reduced into
  accumulators (:class:`Reduce`), stores of scalar expressions into buffers
  after the inner loop (``stores``), and stores inside the inner loop
  (``inner_stores``: an element-wise value materialised on the way, as the
  ``exp`` of a softmax is while its sum accumulates);
- a :class:`HostStep` runs one graph node on the host through an eager
  backend (the documented fallback for what has no kernel yet).

Scalar expressions are small frozen dataclasses (hashable, so a renderer
shares equal subexpressions): :class:`Const`, :class:`Load` (a buffer element
at an integer offset expression), :class:`Elem` (a spec element-wise op,
computed in its compute type), :class:`Cast` and :class:`Acc` (an
accumulator's final value). Offsets are :class:`Index` expressions: C-like
integer expressions over the loop variables ``o0, o1, ...`` (outer) and ``r0,
r1, ...`` (inner), or ``o``/``r`` for a loop collapsed to one dimension.

>>> k = Kernel("k0", outer=(4,), stores=(Store("y", Index("o"), Elem("exp", (Load("x", Index("o"), "f32"),), "f32", "f32")),))
>>> k.loads()
{'x'}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Index", "Const", "Load", "Elem", "Cast", "Var", "Acc", "Reduce", "Store", "Kernel",
           "Extern", "HostStep", "Buffer", "Program", "walk"]


@dataclass(frozen=True)
class Index:
    """An integer offset expression (C syntax over the loop variables)."""

    text: str

    def __str__(self):
        return self.text


@dataclass(frozen=True)
class Const:
    value: object
    type: str


@dataclass(frozen=True)
class Load:
    buffer: str
    offset: Index
    type: str


@dataclass(frozen=True)
class Elem:
    """The spec element-wise op ``op`` on ``args`` (already in ``compute``),
    giving a value of type ``type``."""

    op: str
    args: tuple
    type: str
    compute: str


@dataclass(frozen=True)
class Cast:
    arg: object
    type: str


@dataclass(frozen=True)
class Var:
    """A named scalar of a :class:`Reduce`'s ``step``: ``"acc"`` (the running
    value) or ``"value"`` (the element being folded in)."""

    name: str
    type: str


@dataclass(frozen=True)
class Acc:
    """The final value of accumulator ``index`` of the kernel."""

    index: int
    type: str


@dataclass(frozen=True)
class Reduce:
    """An accumulator: ``combine`` (``add``, ``multiply``, ``max``, ``min``) of
    ``value`` over the inner space, from ``init``, in type ``type``; or, with
    ``combine="step"``, the user's fold: ``acc = step`` in order, where
    ``step`` is a scalar expression over :class:`Var` ``"value"`` and ``"acc"``."""

    combine: str
    init: object
    value: object
    type: str
    step: object = None


@dataclass(frozen=True)
class Store:
    buffer: str
    offset: Index
    value: object


@dataclass(frozen=True)
class Kernel:
    name: str
    outer: tuple
    inner: tuple = ()
    accs: tuple = ()
    inner_stores: tuple = ()
    stores: tuple = ()
    flat_outer: bool = False      # the outer loop is collapsed to one variable ``o``
    flat_inner: bool = False      # the inner loop is collapsed to one variable ``r``

    def loads(self) -> set:
        """The buffers the kernel reads."""
        roots = [a.value for a in self.accs] + [s.value for s in self.inner_stores + self.stores]
        return {e.buffer for r in roots for e in walk(r) if isinstance(e, Load)}

    def writes(self) -> set:
        return {s.buffer for s in self.inner_stores + self.stores}

    @property
    def size(self) -> int:
        return math.prod(self.outer + self.inner)


@dataclass(frozen=True)
class Extern:
    """A kernel written by a dedicated renderer for one graph node (a dot, a
    sort, ...: see :mod:`nx_codegen.c.externs`): its C function takes the
    ``inputs`` buffers, then the ``outputs`` buffers."""

    name: str
    node: object
    inputs: tuple
    outputs: tuple


@dataclass(frozen=True)
class HostStep:
    """Run graph node ``node`` on the host: inputs are buffer names (a tuple
    of names for a list parameter), outputs one buffer per output spec."""

    node: object
    inputs: tuple
    outputs: tuple


@dataclass(frozen=True)
class Buffer:
    name: str
    type: str
    shape: tuple

    @property
    def size(self) -> int:
        return math.prod(self.shape)


@dataclass
class Program:
    """Steps over buffers: ``params`` are the graph's inputs, in order, and
    ``outputs`` the buffers of its outputs; ``constants`` maps buffer names to
    captured tensors."""

    buffers: dict = field(default_factory=dict)
    params: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    constants: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)

    def kernels(self):
        return [s for s in self.steps if isinstance(s, Kernel)]

    def externs(self):
        return [s for s in self.steps if isinstance(s, Extern)]


def walk(expr):
    """Every sub-expression of ``expr``, parents first.

    >>> [type(e).__name__ for e in walk(Cast(Const(1, "s32"), "f32"))]
    ['Cast', 'Const']
    """
    stack = [expr]
    while stack:
        e = stack.pop()
        yield e
        if isinstance(e, Elem):
            stack.extend(reversed(e.args))
        elif isinstance(e, Cast):
            stack.append(e.arg)
