"""The Backend protocol, backend selection and the default backend.

A backend computes data only. Each method receives the output spec ``out``
(type, shape, names) that the frontend already inferred from the spec, then the
input tensors and the op's options, and returns a :class:`~nx_ref.tensor.Tensor`
built with ``Tensor.from_spec(out, data, self)``. Backends never promote,
broadcast or name anything on their own (Nx's ``Nx.Backend`` contract).

Primitives are listed below as :class:`Primitive` attributes, one per spec op;
composite ops have a default implementation written once against the ``nx``
namespace, which a backend may override by defining a method of the same name.

>>> import nx_ref as nx
>>> nx.default_backend()
ReferenceBackend()
>>> with nx.default_backend(nx.ReferenceBackend()):
...     nx.tensor([1]).backend
ReferenceBackend()
"""

from __future__ import annotations

from spec import registry
from spec.errors import ArgumentError

__all__ = ["Backend", "Primitive", "Composite", "default_backend", "pick_backend",
           "backend_transfer", "backend_copy", "IncompatibleBackendsError"]


class IncompatibleBackendsError(ArgumentError):
    """Tensors from two backends met in one operation and neither can take the other's."""


class Primitive:
    """A protocol entry: the backend callback of one spec op, by the attribute's name."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        name = self.name

        def missing(out, *args, **opts):
            raise NotImplementedError(
                f"{type(obj).__name__} does not implement the primitive {name!r} (nx.{name})")
        return missing


class Composite:
    """A protocol entry with a default implementation: the op's spec ``composite``
    rule applied to the ``nx`` namespace. Backends may override it."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        op = registry.get(self.name)

        def run(out, *args, **opts):
            import nx_ref
            return op.composite(nx_ref, *args, **opts)
        return run


class Backend:
    """Base class of backends (see the module docstring).

    ``priority`` decides which backend runs an operation whose inputs live on
    different backends: the highest wins, and the others' tensors are
    transferred to it; two different backends of equal priority are an error.
    """

    priority = 1

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash(type(self))

    # -- data movement (not spec ops) ----------------------------------------
    def to_binary(self, tensor, limit=None) -> bytes:
        raise NotImplementedError

    def from_binary(self, out, data):
        raise NotImplementedError

    def constant(self, out, number):
        raise NotImplementedError

    def to_flat_list(self, tensor) -> list:
        """The tensor's elements as Python values; the default decodes ``to_binary``."""
        from spec import codec
        return list(codec.decode(tensor.type, self.to_binary(tensor), count=tensor.size))

    # -- creation --------------------------------------------------------------
    iota = Primitive()
    eye = Primitive()
    broadcast = Primitive()
    as_type = Primitive()
    bitcast = Primitive()

    # -- element-wise unary (spec/ops/unary.py) --------------------------------
    exp = Primitive()
    # end of element-wise unary

    # -- element-wise binary (spec/ops/binary.py) ------------------------------
    add = Primitive()
    divide = Primitive()
    # end of element-wise binary

    # -- reductions (spec/ops/reductions.py); composites use Composite() ------
    sum = Primitive()
    # end of reductions


_global_default = None


def _get_default():
    global _global_default
    if _global_default is None:
        from nx_ref.reference import ReferenceBackend
        _global_default = ReferenceBackend()
    return _global_default


def _as_backend(backend):
    if isinstance(backend, type) and issubclass(backend, Backend):
        return backend()
    if isinstance(backend, Backend):
        return backend
    raise ArgumentError(f"expected a backend (a Backend subclass or instance), got: {backend!r}")


class _Restore:
    """What ``default_backend(b)`` returns: the new default is already set; used
    in a ``with`` block, the previous default comes back at the block's end."""

    def __init__(self, backend, previous):
        self.backend = backend
        self.previous = previous

    def __enter__(self):
        return self.backend

    def __exit__(self, *exc):
        global _global_default
        _global_default = self.previous
        return False

    def __repr__(self):
        return repr(self.backend)


def default_backend(backend=None):
    """Get, or set, the default backend (where new tensors are allocated).

    With no argument, returns the current default. With a backend (class or
    instance), makes it the default; the returned object is also a context
    manager that restores the previous default when its block ends.

    >>> import nx_ref as nx
    >>> nx.default_backend()
    ReferenceBackend()
    """
    if backend is None:
        return _get_default()
    backend = _as_backend(backend)
    global _global_default
    previous = _get_default()
    _global_default = backend
    return _Restore(backend, previous)


def pick_backend(tensors):
    """The backend that runs an operation on ``tensors`` (see :class:`Backend`)."""
    chosen = None
    for t in tensors:
        b = t.backend
        if chosen is None or b is chosen:
            chosen = b
            continue
        if b == chosen:
            continue
        if b.priority > chosen.priority:
            chosen = b
        elif b.priority == chosen.priority:
            raise IncompatibleBackendsError(
                f"cannot invoke an operation on tensors from incompatible backends: "
                f"{chosen!r} and {b!r}; use nx.backend_transfer first")
    return chosen if chosen is not None else _get_default()


def backend_transfer(tensor, backend=None):
    """Move a tensor to ``backend`` (default: the default backend). The source may
    release its data afterwards; use :func:`backend_copy` to keep it.

    >>> import nx_ref as nx
    >>> nx.backend_transfer(nx.tensor([1, 2]), nx.ReferenceBackend).to_list()
    [1, 2]
    """
    return backend_copy(tensor, backend)


def backend_copy(tensor, backend=None):
    """Copy a tensor to ``backend`` (default: the default backend).

    >>> import nx_ref as nx
    >>> nx.backend_copy(nx.tensor([1.5])).to_list()
    [1.5]
    """
    target = _get_default() if backend is None else _as_backend(backend)
    if tensor.backend == target:
        return tensor
    return target.from_binary(tensor.spec, tensor.backend.to_binary(tensor))
